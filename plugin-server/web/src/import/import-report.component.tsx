// The result of an import: what became of every file, the studies that are now in the staging
// archive, and the warnings the front desk must act on. All values are rendered as text.

import type { ImportCounts } from '../../../src/domain/import-session.ts';
import type { ScannedFile } from '../../../src/import/scan-types.ts';
import { formatBytes, plural, fullStop } from '../format/format.ts';
import { DataTable } from '../hl7/data-table.component.tsx';
import { WarningList } from '../layout/warning-list.component.tsx';
import { STUDY_COLUMNS } from './study-columns.tsx';
import type { FileOutcome, ImportSession } from './imports.resource.ts';

/** Labels for the server's outcomes; an unknown outcome is shown as the server spells it. */
export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  stored: 'Stored',
  'already-stored': 'Already in the archive',
  'duplicate-on-media': 'Duplicate on the medium',
  'not-dicom': 'Not DICOM',
  corrupt: 'Damaged',
  rejected: 'Refused by the archive',
};

const FILE_TYPE_LABELS: Readonly<Record<string, string>> = {
  empty: 'empty file',
  'windows-executable': 'Windows program',
  'elf-executable': 'Linux program',
  'mach-o-executable': 'macOS program',
  pdf: 'PDF document',
  jpeg: 'JPEG picture',
  png: 'PNG picture',
  gif: 'GIF picture',
  bmp: 'BMP picture',
  tiff: 'TIFF picture',
  zip: 'zip archive',
  gzip: 'gzip archive',
  html: 'web page',
  xml: 'XML file',
  text: 'text file',
  unknown: 'unknown type',
};

const COUNT_ROWS: readonly { key: keyof ImportCounts; label: string; problem: boolean }[] = [
  { key: 'stored', label: 'Stored', problem: false },
  { key: 'alreadyStored', label: 'Already in the archive', problem: false },
  { key: 'duplicateOnMedia', label: 'Duplicate on the medium', problem: false },
  { key: 'notDicom', label: 'Not DICOM', problem: false },
  { key: 'corrupt', label: 'Damaged', problem: true },
  { key: 'rejected', label: 'Refused by the archive', problem: true },
];

/** Outcomes that are fine or merely informational; every other outcome needs a person to look. */
const STORED_OUTCOMES: ReadonlySet<string> = new Set(['stored', 'already-stored']);
const INFORMATIONAL_OUTCOMES: ReadonlySet<string> = new Set(['not-dicom', 'duplicate-on-media']);

export function ImportReport({
  session,
  outcomes,
  skipped,
  error,
}: {
  session: ImportSession | undefined;
  outcomes: readonly FileOutcome[];
  skipped: readonly ScannedFile[];
  error: string | undefined;
}) {
  const problems = outcomes.filter(
    ({ outcome }) => !STORED_OUTCOMES.has(outcome) && !INFORMATIONAL_OUTCOMES.has(outcome),
  );
  const notStored = outcomes.filter(({ outcome }) => INFORMATIONAL_OUTCOMES.has(outcome));
  const counts = session?.counts;
  const failed = counts !== undefined && counts.corrupt + counts.rejected > 0;
  return (
    <section className="card" aria-labelledby="report-heading" data-testid="import-report">
      <h2 id="report-heading" className="card__title" data-step-heading>
        Import report
      </h2>
      {error !== undefined && (
        <p className="notice notice--error" role="alert">
          The upload stopped: {fullStop(error)}{' '}
          {session === undefined
            ? 'The import could not be closed; it is listed in the inbox.'
            : session.counts.stored + session.counts.alreadyStored === 0
              ? 'Nothing was stored.'
              : 'What was stored before that is listed below.'}
        </p>
      )}
      {session !== undefined && error === undefined && (
        <p
          className={failed || session.warnings.length > 0 ? 'notice notice--warning' : 'notice notice--success'}
          role="status"
        >
          {failed
            ? `Import finished with problems: ${plural(session.counts.corrupt + session.counts.rejected, 'file')} could not be stored. See the list below.`
            : `Import finished: ${plural(session.counts.stored + session.counts.alreadyStored, 'image')} in the staging archive.`}
        </p>
      )}
      {session !== undefined && <WarningList warnings={session.warnings} announce />}
      {session !== undefined && (
        <>
          <dl className="meta-list">
            <div>
              <dt>Source</dt>
              <dd>{session.sourceLabel}</dd>
            </div>
            <div>
              <dt>Department</dt>
              <dd>{session.department}</dd>
            </div>
            <div>
              <dt>Local MRN</dt>
              <dd>{session.patient.mrn ?? 'not given'}</dd>
            </div>
            <div>
              <dt>Files received</dt>
              <dd>
                {session.counts.files.toLocaleString('en-US')} ({formatBytes(session.counts.bytes)})
              </dd>
            </div>
          </dl>
          <table className="table table--compact counts-table" data-testid="report-counts">
            <caption>What became of the files</caption>
            <tbody>
              {COUNT_ROWS.map(({ key, label, problem }) => {
                // Files the browser recognised as not DICOM were never sent; they count all the same.
                const count = session.counts[key] + (key === 'notDicom' ? skipped.length : 0);
                return (
                  <tr key={key} className={problem && count > 0 ? 'row--problem' : undefined}>
                    <th scope="row">{label}</th>
                    <td className="numeric" data-testid={`report-count-${key}`}>
                      {count.toLocaleString('en-US')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <ReportStudies session={session} />
        </>
      )}
      {problems.length > 0 && (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="report-problems">
            <caption>Files needing attention ({problems.length.toLocaleString('en-US')})</caption>
            <FileOutcomeHead />
            <tbody>
              {problems.map((problem) => (
                <FileOutcomeRow key={`${problem.path}\u0000${problem.outcome}`} file={problem} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {notStored.length + skipped.length > 0 && (
        <details className="details" data-testid="report-not-stored">
          <summary>
            {plural(notStored.length + skipped.length, 'other file')} not stored (not DICOM, DICOMDIR index, duplicates)
          </summary>
          <table className="table table--compact">
            <FileOutcomeHead />
            <tbody>
              {notStored.map((file) => (
                <FileOutcomeRow key={`${file.path}\u0000${file.outcome}`} file={file} />
              ))}
              {skipped.map((file) => (
                <tr key={`${file.path}\u0000skipped`}>
                  <td className="path">{file.path}</td>
                  <td>Not DICOM</td>
                  <td>
                    {FILE_TYPE_LABELS[file.fileType ?? 'unknown'] ?? file.fileType}, {formatBytes(file.size)};
                    recognised before upload and not sent
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}

/** Head of the tables that list files with what became of them (FileOutcomeRow). */
function FileOutcomeHead() {
  return (
    <thead>
      <tr>
        <th scope="col">File</th>
        <th scope="col">Outcome</th>
        <th scope="col">Reason</th>
      </tr>
    </thead>
  );
}

function FileOutcomeRow({ file }: { file: FileOutcome }) {
  return (
    <tr>
      <td className="path">{file.path}</td>
      <td>{OUTCOME_LABELS[file.outcome] ?? file.outcome}</td>
      <td>{file.reason ?? '–'}</td>
    </tr>
  );
}

function ReportStudies({ session }: { session: ImportSession }) {
  if (session.studies.length === 0) {
    return <p className="muted">No studies were stored.</p>;
  }
  const c = STUDY_COLUMNS;
  return (
    <DataTable
      className="table"
      testId="report-studies"
      caption={`Studies found (${session.studies.length})`}
      captionVisible
      columns={[c.patient, c.patientId, c.birthDate, c.studyDate, c.description, c.modalities, c.series, c.images]}
      rows={session.studies.map((study) => ({
        id: study.StudyInstanceUID,
        patientName: study.patientName,
        patientId: study.patientId,
        patientBirthDate: study.patientBirthDate,
        studyDate: study.studyDate,
        studyDescription: study.studyDescription,
        modalities: study.modalities,
        series: study.seriesCount,
        instances: study.instanceCount,
      }))}
    />
  );
}
