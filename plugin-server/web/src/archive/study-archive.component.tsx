// Archive action and archive status of one study, where studies are listed for physicians and
// radiology (the inbox; the OHIF panel shows the same status later). A matched study gets an
// "Archive" button (POST /api/studies/:id/archive); after it, and on request for a study already
// queued or archived, the status per destination (GET archive-status), asked again every few
// seconds while a delivery is under way (that route is not audited).

import { useEffect, useId, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { fullStop } from '../format/format.ts';
import type { StudyState } from '../inbox/studies.resource.ts';
import { archiveStudy, getArchiveStatus, type ArchiveStatus } from './archive.resource.ts';
import { archiveInProgress, archiveJobLine, archiveSummary } from './route-job-format.ts';

/** How often a status with a delivery under way is asked for again. */
export const ARCHIVE_STATUS_REFRESH_MS = 3000;

/** Study states with an archive status worth showing on request. */
const ARCHIVE_STATES: readonly StudyState[] = ['queued', 'archived'];

type Phase = 'idle' | 'archiving' | 'watching';

export function StudyArchive({
  api,
  studyId,
  studyState,
  label,
  onArchived,
}: {
  api: ApiClient;
  studyId: string;
  studyState: StudyState;
  /** Names the study in the buttons' accessible names, e.g. "DOE, JANE, 2024-01-15". */
  label: string;
  /** Called once the study is queued for archive (the list may show its new state). */
  onArchived?: () => void;
}) {
  const id = useId();
  const [phase, setPhase] = useState<Phase>('idle');
  /** What POST archive answered, shown above the status. */
  const [queued, setQueued] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<ArchiveStatus | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const statusRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (phase !== 'watching') return;
    const controller = new AbortController();
    setLoading(true);
    getArchiveStatus(api, studyId, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        setStatus(answer);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(`The archive status cannot be loaded: ${fullStop(describeError(failure))}`);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api, studyId, phase, generation]);

  const inProgress = phase === 'watching' && !loading && status !== undefined && archiveInProgress(status);
  useEffect(() => {
    if (!inProgress) return;
    const timer = window.setTimeout(() => setGeneration((value) => value + 1), ARCHIVE_STATUS_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [inProgress, status]);

  // After Archive the button is gone: keyboard and screen-reader users continue at the outcome.
  useEffect(() => {
    if (queued !== undefined) statusRef.current?.focus();
  }, [queued]);

  const archive = async (): Promise<void> => {
    setPhase('archiving');
    setError(undefined);
    try {
      const result = await archiveStudy(api, studyId);
      const rule = result.decision.ruleName === null ? '' : ` by the rule “${result.decision.ruleName}”`;
      setQueued(`Queued for archive to ${result.decision.destinations.join(', ')}${rule}.`);
      setPhase('watching');
      onArchived?.();
    } catch (failure) {
      setError(`Not archived: ${fullStop(describeError(failure))}`);
      setPhase('idle');
    }
  };

  const showArchive = phase !== 'watching' && studyState === 'matched';
  const showStatusButton = phase === 'idle' && ARCHIVE_STATES.includes(studyState);
  if (!showArchive && !showStatusButton && phase === 'idle' && error === undefined) return null;
  return (
    <div className="study-archive" data-testid="study-archive">
      {(showArchive || showStatusButton) && (
        <div className="button-row">
          {showArchive && (
            <>
              <button
                type="button"
                className="button button--small button--primary"
                disabled={phase === 'archiving'}
                aria-label={`Archive ${label}`}
                aria-describedby={`${id}-hint`}
                onClick={() => void archive()}
              >
                {phase === 'archiving' ? 'Archiving…' : 'Archive'}
              </button>
              <span className="hint" id={`${id}-hint`}>
                Sends the reconciled study to the permanent archive the routing rules choose.
              </span>
            </>
          )}
          {showStatusButton && (
            <button
              type="button"
              className="button button--small"
              aria-label={`Archive status of ${label}`}
              onClick={() => setPhase('watching')}
            >
              Archive status
            </button>
          )}
        </div>
      )}
      {error !== undefined && (
        <p className="notice notice--error study-archive__notice" role="alert">
          {error}
        </p>
      )}
      {phase === 'watching' && (
        <div
          className="study-archive__status"
          role="status"
          tabIndex={-1}
          ref={statusRef}
          data-testid="archive-status"
          aria-busy={loading}
        >
          {queued !== undefined && <p className="study-archive__queued">{queued}</p>}
          {status === undefined ? (
            loading && <p className="muted">Loading the archive status…</p>
          ) : (
            <>
              <p className="study-archive__summary" data-testid="archive-summary">
                {archiveSummary(status)}
              </p>
              {status.jobs.length > 0 && (
                <ul className="plain-list" data-testid="archive-jobs">
                  {status.jobs.map((job) => (
                    <li key={job.id} data-testid="archive-job" data-state={job.state}>
                      {archiveJobLine(job)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
