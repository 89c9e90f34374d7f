import { describe, expect, it } from 'vitest';
import { summarizeMedia } from './scan-summary.ts';
import type { DicomHeaderSummary, ScannedFile } from './scan-types.ts';

function header(overrides: Partial<DicomHeaderSummary>): DicomHeaderSummary {
  return {
    SOPInstanceUID: '2.25.1',
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    StudyInstanceUID: '2.25.100',
    SeriesInstanceUID: '2.25.200',
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    PatientID: 'P1',
    IssuerOfPatientID: 'H1',
    PatientName: 'Doe^Jane',
    PatientBirthDate: '19800101',
    PatientSex: 'F',
    AccessionNumber: 'A1',
    StudyDate: '20240101',
    StudyDescription: 'CT',
    Modality: 'CT',
    InstitutionName: 'Elsewhere',
    SeriesNumber: 1,
    InstanceNumber: 1,
    ...overrides,
  };
}

function dicom(path: string, size: number, overrides: Partial<DicomHeaderSummary>): ScannedFile {
  return { path, size, outcome: 'dicom', header: header(overrides), flags: [], warnings: [] };
}

function other(path: string, size: number, outcome: ScannedFile['outcome']): ScannedFile {
  return { path, size, outcome, flags: [], warnings: [] };
}

describe('summarizeMedia', () => {
  it('keeps the first file of a SOP instance and flags the later ones', () => {
    const summary = summarizeMedia([
      dicom('A/IM1', 10, { SOPInstanceUID: '2.25.1' }),
      dicom('A/IM2', 20, { SOPInstanceUID: '2.25.2' }),
      dicom('B/IM1', 10, { SOPInstanceUID: '2.25.1' }),
      dicom('C/IM1', 10, { SOPInstanceUID: '2.25.1' }),
    ]);
    expect(summary.files.map((file) => [file.path, file.flags, file.duplicateOf])).toEqual([
      ['A/IM1', [], undefined],
      ['A/IM2', [], undefined],
      ['B/IM1', ['duplicate-on-media'], 'A/IM1'],
      ['C/IM1', ['duplicate-on-media'], 'A/IM1'],
    ]);
    expect(summary.duplicates).toEqual([{ SOPInstanceUID: '2.25.1', paths: ['A/IM1', 'B/IM1', 'C/IM1'] }]);
    expect(summary.counts).toMatchObject({ dicomFiles: 4, duplicateFiles: 2, instances: 2, dicomBytes: 30, bytes: 50 });
  });

  it('counts patients by ID and issuer, and shows when one ID carries different demographics', () => {
    const summary = summarizeMedia([
      dicom('1', 1, { SOPInstanceUID: '1', StudyInstanceUID: 'S1' }),
      dicom('2', 1, { SOPInstanceUID: '2', StudyInstanceUID: 'S2', PatientName: 'Doe^Janet' }),
      dicom('3', 1, { SOPInstanceUID: '3', StudyInstanceUID: 'S3', IssuerOfPatientID: 'H2' }),
      dicom('4', 1, { SOPInstanceUID: '4', StudyInstanceUID: 'S4', PatientID: 'P2', PatientBirthDate: '' }),
    ]);
    expect(
      summary.patients.map((patient) => [
        patient.PatientID,
        patient.IssuerOfPatientID,
        patient.demographicVariants,
        patient.studies,
      ]),
    ).toEqual([
      ['P1', 'H1', 2, ['S1', 'S2']],
      ['P1', 'H2', 1, ['S3']],
      ['P2', 'H1', 1, ['S4']],
    ]);
    expect(summary.counts.patients).toBe(3);
  });

  it('builds studies with their series and modalities, counting only importable DICOM', () => {
    const summary = summarizeMedia([
      dicom('1', 100, { SOPInstanceUID: '1', SeriesInstanceUID: 'SE1', Modality: 'CT', SeriesNumber: 2 }),
      dicom('2', 100, { SOPInstanceUID: '2', SeriesInstanceUID: 'SE1', Modality: 'CT', SeriesNumber: 2 }),
      dicom('3', 50, { SOPInstanceUID: '3', SeriesInstanceUID: 'SE2', Modality: 'SR', SeriesNumber: null }),
      {
        ...dicom('4', 70, { SOPInstanceUID: '4', SeriesInstanceUID: 'SE3' }),
        outcome: 'corrupt',
        reasonCode: 'truncated',
      },
      other('README.TXT', 5, 'not-dicom'),
      other('DICOMDIR', 7, 'dicomdir'),
    ]);
    expect(summary.studies).toEqual([
      expect.objectContaining({
        StudyInstanceUID: '2.25.100',
        modalities: ['CT', 'SR'],
        instances: 3,
        bytes: 250,
        series: [
          { SeriesInstanceUID: 'SE1', SeriesNumber: 2, Modality: 'CT', instances: 2 },
          { SeriesInstanceUID: 'SE2', SeriesNumber: null, Modality: 'SR', instances: 1 },
        ],
      }),
    ]);
    expect(summary.counts).toEqual({
      files: 6,
      dicomFiles: 3,
      dicomdirFiles: 1,
      notDicomFiles: 1,
      corruptFiles: 1,
      duplicateFiles: 0,
      patients: 1,
      studies: 1,
      series: 2,
      instances: 3,
      bytes: 332,
      dicomBytes: 250,
    });
  });
});
