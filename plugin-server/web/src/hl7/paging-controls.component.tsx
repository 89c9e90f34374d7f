// Newer / older buttons under a list (keyset-paging.ts); disabled while there is no such page. A
// list in another order (the worklist, oldest first) names its buttons itself.

export function PagingControls({
  label,
  pageNumber,
  newer,
  older,
  labels = { newer: '← Newer', older: 'Older →' },
}: {
  /** What the pages hold, e.g. "Message pages". */
  label: string;
  pageNumber: number;
  newer: (() => void) | undefined;
  older: (() => void) | undefined;
  /** The buttons' text: `newer` goes back towards page 1, `older` on from it. */
  labels?: { newer: string; older: string };
}) {
  if (pageNumber === 1 && older === undefined) return null;
  return (
    <nav className="paging" aria-label={label}>
      <button type="button" className="button" onClick={newer} disabled={newer === undefined}>
        {labels.newer}
      </button>
      <span className="paging__page muted">Page {pageNumber}</span>
      <button type="button" className="button" onClick={older} disabled={older === undefined}>
        {labels.older}
      </button>
    </nav>
  );
}
