// What is on the medium, in aggregate: duplicates, patients, studies, series and counts. Pure.

import type { DicomHeaderSummary, MediaScan, ScannedFile, ScannedPatient, ScannedStudy } from './scan-types.ts';

export type MediaSummary = Pick<MediaScan, 'files' | 'duplicates' | 'patients' | 'studies' | 'counts'>;

/**
 * Flags duplicates and aggregates. `files` must be in a stable order (the scanner sorts by path):
 * the first file with a SOP Instance UID is kept, later ones are flagged `duplicate-on-media`.
 * Only `dicom` files count towards patients, studies, series and instances.
 */
export function summarizeMedia(files: readonly ScannedFile[]): MediaSummary {
  const firstBySop = new Map<string, string>();
  const duplicatePaths = new Map<string, string[]>();
  const flagged = files.map((file): ScannedFile => {
    const uid = file.outcome === 'dicom' ? file.header?.SOPInstanceUID : undefined;
    if (uid === undefined) return file;
    const first = firstBySop.get(uid);
    if (first === undefined) {
      firstBySop.set(uid, file.path);
      return file;
    }
    const paths = duplicatePaths.get(uid) ?? [first];
    paths.push(file.path);
    duplicatePaths.set(uid, paths);
    return { ...file, flags: [...file.flags, 'duplicate-on-media'], duplicateOf: first };
  });

  const instances = flagged.filter(
    (file): file is ScannedFile & { header: DicomHeaderSummary } =>
      file.outcome === 'dicom' && file.header !== undefined && !file.flags.includes('duplicate-on-media'),
  );
  const studies = new Map<string, ScannedStudy>();
  const seriesUids = new Set<string>();
  const patients = new Map<string, ScannedPatient & { variants: Set<string> }>();
  for (const { header, size } of instances) {
    const study = studies.get(header.StudyInstanceUID) ?? newStudy(header);
    studies.set(header.StudyInstanceUID, study);
    study.instances += 1;
    study.bytes += size;
    if (header.Modality !== '' && !study.modalities.includes(header.Modality)) study.modalities.push(header.Modality);
    let series = study.series.find((candidate) => candidate.SeriesInstanceUID === header.SeriesInstanceUID);
    if (series === undefined) {
      series = {
        SeriesInstanceUID: header.SeriesInstanceUID,
        SeriesNumber: header.SeriesNumber,
        Modality: header.Modality,
        instances: 0,
      };
      study.series.push(series);
    }
    series.instances += 1;
    seriesUids.add(header.SeriesInstanceUID);

    const patientKey = `${header.PatientID}\u0000${header.IssuerOfPatientID}`;
    const patient = patients.get(patientKey) ?? newPatient(header);
    patients.set(patientKey, patient);
    patient.variants.add(`${header.PatientName}\u0000${header.PatientBirthDate}\u0000${header.PatientSex}`);
    if (!patient.studies.includes(header.StudyInstanceUID)) patient.studies.push(header.StudyInstanceUID);
  }

  const count = (predicate: (file: ScannedFile) => boolean): number => flagged.filter(predicate).length;
  return {
    files: flagged,
    duplicates: [...duplicatePaths].map(([SOPInstanceUID, paths]) => ({ SOPInstanceUID, paths })),
    patients: [...patients.values()].map(({ variants, ...patient }) => ({
      ...patient,
      demographicVariants: variants.size,
    })),
    studies: [...studies.values()],
    counts: {
      files: flagged.length,
      dicomFiles: count((file) => file.outcome === 'dicom'),
      dicomdirFiles: count((file) => file.outcome === 'dicomdir'),
      notDicomFiles: count((file) => file.outcome === 'not-dicom'),
      corruptFiles: count((file) => file.outcome === 'corrupt'),
      duplicateFiles: count((file) => file.flags.includes('duplicate-on-media')),
      patients: patients.size,
      studies: studies.size,
      series: seriesUids.size,
      instances: instances.length,
      bytes: flagged.reduce((total, file) => total + file.size, 0),
      dicomBytes: instances.reduce((total, file) => total + file.size, 0),
    },
  };
}

function newStudy(header: DicomHeaderSummary): ScannedStudy {
  return {
    StudyInstanceUID: header.StudyInstanceUID,
    PatientID: header.PatientID,
    IssuerOfPatientID: header.IssuerOfPatientID,
    PatientName: header.PatientName,
    PatientBirthDate: header.PatientBirthDate,
    PatientSex: header.PatientSex,
    AccessionNumber: header.AccessionNumber,
    StudyDate: header.StudyDate,
    StudyDescription: header.StudyDescription,
    InstitutionName: header.InstitutionName,
    modalities: [],
    series: [],
    instances: 0,
    bytes: 0,
  };
}

function newPatient(header: DicomHeaderSummary): ScannedPatient & { variants: Set<string> } {
  return {
    PatientID: header.PatientID,
    IssuerOfPatientID: header.IssuerOfPatientID,
    PatientName: header.PatientName,
    PatientBirthDate: header.PatientBirthDate,
    PatientSex: header.PatientSex,
    demographicVariants: 0,
    studies: [],
    variants: new Set(),
  };
}
