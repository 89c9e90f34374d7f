// What was found on the medium before anything is uploaded: read from the file headers in the
// browser. Everything shown here came from outside media, so it is rendered as text only.

import type { MediaSummary } from '../../../src/import/scan-summary.ts';
import { formatBytes, formatDicomDate, formatPersonName, plural } from '../format/format.ts';
import type { PickedMedia } from '../media/scan-picked-media.ts';
import { DataTable } from '../hl7/data-table.component.tsx';
import { STUDY_COLUMNS } from './study-columns.tsx';

export function MediaSummaryView({ media }: { media: PickedMedia }) {
  const { summary, skipped } = media;
  const { counts } = summary;
  const uploadBytes = media.toUpload.reduce((total, { file }) => total + file.size, 0);
  const undecided = summary.files.filter((file) => file.outcome === 'corrupt');
  return (
    <section className="card" aria-labelledby="summary-heading" data-testid="media-summary">
      <h2 id="summary-heading" className="card__title" data-step-heading>
        2. What is on <span className="text-break">{media.label}</span>
      </h2>
      <dl className="stat-grid">
        <Stat label="Patients" value={counts.patients} testId="summary-patients" />
        <Stat label="Studies" value={counts.studies} testId="summary-studies" />
        <Stat label="Series" value={counts.series} testId="summary-series" />
        <Stat label="Images" value={counts.instances} testId="summary-images" />
        <Stat label="Non-DICOM files" value={counts.notDicomFiles} testId="summary-not-dicom" />
      </dl>
      <p className="muted">
        {plural(counts.files, 'file')} in total ({formatBytes(counts.bytes)}).{' '}
        {counts.dicomdirFiles > 0 && <>{plural(counts.dicomdirFiles, 'DICOMDIR index', 'DICOMDIR indexes')}. </>}
        {counts.duplicateFiles > 0 && <>{plural(counts.duplicateFiles, 'duplicate image')} (stored once). </>}
        {skipped.length > 0 && (
          <>
            {plural(skipped.length, 'file')} that {skipped.length === 1 ? 'is' : 'are'} not DICOM (viewer programs,
            documents) will not be uploaded.{' '}
          </>
        )}
        {plural(media.toUpload.length, 'file')} ({formatBytes(uploadBytes)}) will be uploaded.
      </p>
      <PatientWarnings summary={summary} />
      {undecided.length > 0 && (
        <p className="notice notice--warning">
          {plural(undecided.length, 'file')} could not be read completely here (damaged, or an unusually long header).{' '}
          {undecided.length === 1 ? 'It is' : 'They are'} uploaded anyway; the report will say what became of{' '}
          {undecided.length === 1 ? 'it' : 'them'}.
        </p>
      )}
      {counts.instances === 0 && (
        <p className="notice notice--error" role="alert">
          No DICOM images were found. Check that you chose the right drive or folder.
        </p>
      )}
      {summary.patients.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Patients on the medium</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Patient ID (outside)</th>
                <th scope="col">Birth date</th>
                <th scope="col">Sex</th>
                <th scope="col">Studies</th>
              </tr>
            </thead>
            <tbody>
              {summary.patients.map((patient) => (
                <tr key={`${patient.PatientID}\u0000${patient.IssuerOfPatientID}`}>
                  <td>{formatPersonName(patient.PatientName)}</td>
                  <td>
                    {patient.PatientID === '' ? '–' : patient.PatientID}
                    {patient.IssuerOfPatientID !== '' && <span className="muted"> ({patient.IssuerOfPatientID})</span>}
                  </td>
                  <td>{formatDicomDate(patient.PatientBirthDate)}</td>
                  <td>{patient.PatientSex === '' ? '–' : patient.PatientSex}</td>
                  <td className="numeric">{patient.studies.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {summary.studies.length > 0 && (
        <DataTable
          className="table"
          testId="media-studies"
          caption="Studies on the medium"
          captionVisible
          columns={[
            STUDY_COLUMNS.date,
            STUDY_COLUMNS.description,
            STUDY_COLUMNS.modalities,
            STUDY_COLUMNS.institution,
            STUDY_COLUMNS.patient,
            STUDY_COLUMNS.series,
            STUDY_COLUMNS.images,
          ]}
          rows={summary.studies.map((study) => ({
            id: study.StudyInstanceUID,
            patientName: study.PatientName,
            studyDate: study.StudyDate,
            studyDescription: study.StudyDescription,
            modalities: study.modalities,
            institutionName: study.InstitutionName,
            series: study.series.length,
            instances: study.instances,
          }))}
        />
      )}
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value" data-testid={testId}>
        {value.toLocaleString('en-US')}
      </dd>
    </div>
  );
}

/** Patient-safety hints: several patients on one medium, or one ID with differing demographics. */
function PatientWarnings({ summary }: { summary: MediaSummary }) {
  const variants = summary.patients.filter((patient) => patient.demographicVariants > 1);
  return (
    <>
      {summary.patients.length > 1 && (
        <p className="notice notice--warning" role="alert">
          This medium holds images of {summary.patients.length} different patients. Make sure all of them belong to this
          import before you upload.
        </p>
      )}
      {variants.map((patient) => (
        <p key={patient.PatientID} className="notice notice--warning">
          Patient ID {patient.PatientID === '' ? '(empty)' : patient.PatientID} appears with{' '}
          {patient.demographicVariants} different names, birth dates or sexes.
        </p>
      ))}
    </>
  );
}
