// The upload as it happens: a real progress bar (bytes sent of the total), files answered by the
// server, the rate and the time left.

import { formatBytes, formatDuration, formatRate } from '../format/format.ts';
import type { ImportPhase } from './run-import.ts';
import type { ProgressSnapshot } from './upload-progress.ts';

const PHASE_TEXT: Record<ImportPhase, string> = {
  creating: 'Opening the import…',
  uploading: 'Uploading…',
  finishing: 'Finishing the import and preparing the report…',
};

export function UploadProgressView({
  phase,
  progress,
  onCancel,
  cancelling,
}: {
  phase: ImportPhase;
  progress: ProgressSnapshot | undefined;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const percent = progress === undefined ? 0 : Math.floor(progress.fraction * 100);
  const sentAll = progress !== undefined && progress.bytesSent >= progress.bytesTotal;
  const status =
    phase === 'uploading' && sentAll && progress.filesDone < progress.filesTotal
      ? 'All data sent; the archive is storing the last files…'
      : PHASE_TEXT[phase];
  return (
    <section className="card" aria-labelledby="progress-heading" data-testid="upload-progress">
      <h2 id="progress-heading" className="card__title" data-step-heading>
        Uploading
      </h2>
      <p role="status" className="progress__status">
        {cancelling ? 'Cancelling…' : status}
      </p>
      <div className="progress">
        <progress
          className="progress__bar"
          max={100}
          value={percent}
          aria-label="Upload progress"
          aria-valuetext={`${percent} %`}
        />
        <span className="progress__percent" data-testid="upload-percent">
          {percent} %
        </span>
      </div>
      {progress !== undefined && (
        <dl className="progress__facts">
          <div>
            <dt>Sent</dt>
            <dd>
              {formatBytes(progress.bytesSent)} of {formatBytes(progress.bytesTotal)}
            </dd>
          </div>
          <div>
            <dt>Files done</dt>
            <dd data-testid="upload-files">
              {progress.filesDone.toLocaleString('en-US')} of {progress.filesTotal.toLocaleString('en-US')}
            </dd>
          </div>
          <div>
            <dt>Rate</dt>
            <dd>{formatRate(progress.bytesPerSecond)}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{sentAll ? '–' : formatDuration(progress.secondsLeft)}</dd>
          </div>
        </dl>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={onCancel} disabled={cancelling || phase !== 'uploading'}>
          Cancel upload
        </button>
      </div>
    </section>
  );
}
