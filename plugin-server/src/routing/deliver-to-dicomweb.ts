import { isDomainError } from '../domain/errors.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import type { DeliveryOutcome } from './deliver-study.ts';

// One delivery attempt to a DICOMweb archive: QIDO-RS for what it holds and under which Patient
// ID, STOW-RS of what is missing, QIDO-RS again to verify. All through the staging Orthanc's
// DICOMweb plugin, which keeps the server's credentials.

const STORE_BATCH = 100;
const SOP_INSTANCE_UID = '00080018';
const PATIENT_ID = '00100020';

export interface DicomWebDeliveryInput {
  orthanc: OrthancClient;
  server: { name: string; url: string; username: string | null; password: string | null };
  orthancStudyId: string;
  StudyInstanceUID: string;
  patientId: string;
  onProgress?: (sent: number) => Promise<void>;
}

function firstValue(answer: Record<string, unknown>, tag: string): string | undefined {
  const element = answer[tag];
  if (typeof element !== 'object' || element === null || !('Value' in element)) return undefined;
  const values = element.Value;
  return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
}

export async function deliverToDicomWeb(input: DicomWebDeliveryInput): Promise<DeliveryOutcome> {
  const { orthanc, server } = input;
  const local = await orthanc.studyInstances(input.orthancStudyId);
  const localSops = new Map(local.map((instance) => [instance.MainDicomTags.SOPInstanceUID ?? '', instance.ID]));
  const uid = encodeURIComponent(input.StudyInstanceUID);

  let held: Set<string>;
  try {
    await orthanc.putDicomWebServer(server.name, {
      Url: server.url,
      ...(server.username === null ? {} : { Username: server.username }),
      ...(server.password === null ? {} : { Password: server.password }),
    });
    const studies = await orthanc.qidoAtDicomWebServer(server.name, '/studies', {
      StudyInstanceUID: input.StudyInstanceUID,
      includefield: PATIENT_ID,
    });
    const others = studies.map((answer) => firstValue(answer, PATIENT_ID) ?? '').filter((id) => id !== input.patientId);
    if (others.length > 0) {
      return {
        kind: 'conflict',
        message: `the destination holds this Study Instance UID under another Patient ID (${others.join(', ')}); nothing sent`,
      };
    }
    held = studies.length === 0 ? new Set() : await heldSops(orthanc, server.name, uid);
  } catch (error) {
    return { kind: 'retry', message: errorMessage(error), sent: 0 };
  }

  const missing = [...localSops].filter(([sop]) => !held.has(sop)).map(([, id]) => id);
  let sent = 0;
  for (let start = 0; start < missing.length; start += STORE_BATCH) {
    const batch = missing.slice(start, start + STORE_BATCH);
    try {
      await orthanc.stowToDicomWebServer(server.name, batch);
    } catch (error) {
      return { kind: 'retry', message: errorMessage(error), sent };
    }
    sent += batch.length;
    await input.onProgress?.(sent);
  }

  let after: Set<string>;
  try {
    after = await heldSops(orthanc, server.name, uid);
  } catch (error) {
    return { kind: 'retry', message: `sent, but verification failed: ${errorMessage(error)}`, sent };
  }
  const absent = [...localSops.keys()].filter((sop) => !after.has(sop));
  if (absent.length > 0) {
    return { kind: 'retry', message: `${absent.length} instances are not at the destination after sending`, sent };
  }
  return { kind: 'verified', sent, held: after.size, verification: 'qido' };
}

async function heldSops(orthanc: OrthancClient, server: string, uid: string): Promise<Set<string>> {
  const answers = await orthanc.qidoAtDicomWebServer(server, `/studies/${uid}/instances`);
  return new Set(answers.map((answer) => firstValue(answer, SOP_INSTANCE_UID)).filter((sop) => sop !== undefined));
}

function errorMessage(error: unknown): string {
  if (isDomainError(error) || error instanceof Error) return error.message;
  return String(error);
}
