// Newer / older buttons under an HL7 list (keyset-paging.ts); disabled while there is no such page.

export function PagingControls({
  label,
  pageNumber,
  newer,
  older,
}: {
  /** What the pages hold, e.g. "Message pages". */
  label: string;
  pageNumber: number;
  newer: (() => void) | undefined;
  older: (() => void) | undefined;
}) {
  if (pageNumber === 1 && older === undefined) return null;
  return (
    <nav className="paging" aria-label={label}>
      <button type="button" className="button" onClick={newer} disabled={newer === undefined}>
        ← Newer
      </button>
      <span className="paging__page muted">Page {pageNumber}</span>
      <button type="button" className="button" onClick={older} disabled={older === undefined}>
        Older →
      </button>
    </nav>
  );
}
