import { DomainError } from '../domain/errors.ts';
import type { StudySnapshot } from '../domain/study.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';

export type SnapshotResult = { kind: 'found'; snapshot: StudySnapshot } | { kind: 'gone'; orthancId: string };

function tag(tags: Record<string, string>, name: string): string {
  return tags[name]?.trim() ?? '';
}

/**
 * Reads what the sidecar records about one Orthanc study. A 404 at any step means the study was
 * deleted meanwhile: that is final and reported as `gone`, never retried.
 */
export async function fetchStudySnapshot(
  orthanc: OrthancClient,
  orthancId: string,
  log: Logger,
): Promise<SnapshotResult> {
  try {
    const study = await orthanc.study(orthancId);
    const series = await orthanc.studySeries(orthancId);
    const firstInstance = series.find((s) => s.Instances.length > 0)?.Instances[0];
    // Issuer of Patient ID is not among Orthanc's main DICOM tags: read it from one instance.
    let issuer = '';
    if (firstInstance !== undefined) {
      try {
        const tags = await orthanc.instanceTags(firstInstance);
        const value = tags.IssuerOfPatientID;
        issuer = typeof value === 'string' ? value.trim() : '';
      } catch (error) {
        if (error instanceof DomainError && error.code === 'orthanc_unavailable') throw error;
        log.warn(
          { orthancId, instanceId: firstInstance, code: (error as DomainError).code },
          'could not read instance tags',
        );
      }
    }
    const studyTags = study.MainDicomTags;
    const patientTags = study.PatientMainDicomTags;
    const modalities = [...new Set(series.map((s) => tag(s.MainDicomTags, 'Modality')).filter((m) => m !== ''))].sort();
    return {
      kind: 'found',
      snapshot: {
        orthancId,
        StudyInstanceUID: tag(studyTags, 'StudyInstanceUID'),
        original: {
          patientId: tag(patientTags, 'PatientID'),
          issuerOfPatientId: issuer,
          patientName: tag(patientTags, 'PatientName'),
          patientBirthDate: tag(patientTags, 'PatientBirthDate'),
          patientSex: tag(patientTags, 'PatientSex'),
          accessionNumber: tag(studyTags, 'AccessionNumber'),
        },
        studyDate: tag(studyTags, 'StudyDate'),
        studyDescription: tag(studyTags, 'StudyDescription'),
        institutionName: tag(studyTags, 'InstitutionName'),
        modalities,
        seriesCount: series.length,
        instanceCount: series.reduce((sum, s) => sum + s.Instances.length, 0),
        isStable: study.IsStable,
      },
    };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return { kind: 'gone', orthancId };
    throw error;
  }
}
