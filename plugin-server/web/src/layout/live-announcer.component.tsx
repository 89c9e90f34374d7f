// The two live regions of a keyboard-driven page: results are read out politely, failures at
// once. A new `id` makes the same text be read again.

export type Announcement = { id: number; text: string; urgent: boolean };

export function LiveAnnouncer({ announcement, testId }: { announcement: Announcement; testId: string }) {
  return (
    <>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid={testId}>
        {!announcement.urgent && <span key={announcement.id}>{announcement.text}</span>}
      </div>
      <div className="visually-hidden" role="alert" aria-live="assertive">
        {announcement.urgent && <span key={announcement.id}>{announcement.text}</span>}
      </div>
    </>
  );
}
