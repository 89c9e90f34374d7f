import { isDomainError } from '../domain/errors.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import type { DeliveryOutcome } from './deliver-study.ts';

// The delivery steps shared by the HTTP destinations (Orthanc peer, DICOMweb): ask what the
// destination holds and under which Patient ID, send only what is missing in batches, ask again
// to verify. Each destination kind supplies the three questions and the transfer.

const STORE_BATCH = 100;

export interface QueryableDestination {
  /** Registers the destination in the staging Orthanc (peer, DICOMweb server) before use. */
  prepare(): Promise<void>;
  /** The Patient IDs under which the destination holds the study (empty: it does not). */
  studyPatientIds(): Promise<string[]>;
  /** SOP Instance UIDs of the study the destination holds. */
  heldSops(): Promise<Set<string>>;
  /** Sends these staging instances. */
  send(instanceIds: readonly string[]): Promise<void>;
  verification: 'rest' | 'qido';
}

export interface QueryDeliveryInput {
  orthanc: OrthancClient;
  orthancStudyId: string;
  patientId: string;
  onProgress?: (sent: number) => Promise<void>;
}

export async function deliverWithQueries(
  destination: QueryableDestination,
  input: QueryDeliveryInput,
): Promise<DeliveryOutcome> {
  const local = await input.orthanc.studyInstances(input.orthancStudyId);
  const localSops = new Map(local.map((instance) => [instance.MainDicomTags.SOPInstanceUID ?? '', instance.ID]));

  let held: Set<string>;
  try {
    await destination.prepare();
    const patientIds = await destination.studyPatientIds();
    const others = patientIds.filter((id) => id !== input.patientId);
    if (others.length > 0) {
      return {
        kind: 'conflict',
        message: `the destination holds this Study Instance UID under another Patient ID (${others.join(', ')}); nothing sent`,
      };
    }
    held = patientIds.length === 0 ? new Set() : await destination.heldSops();
  } catch (error) {
    return { kind: 'retry', message: errorMessage(error), sent: 0 };
  }

  const missing = [...localSops].filter(([sop]) => !held.has(sop)).map(([, id]) => id);
  let sent = 0;
  for (let start = 0; start < missing.length; start += STORE_BATCH) {
    const batch = missing.slice(start, start + STORE_BATCH);
    try {
      await destination.send(batch);
    } catch (error) {
      // Orthanc reports a refusal and a network failure alike here; the attempts limit ends a
      // refusal that repeats.
      return { kind: 'retry', message: errorMessage(error), sent };
    }
    sent += batch.length;
    await input.onProgress?.(sent);
  }

  let after: Set<string>;
  try {
    after = await destination.heldSops();
  } catch (error) {
    return { kind: 'retry', message: `sent, but verification failed: ${errorMessage(error)}`, sent };
  }
  const absent = [...localSops.keys()].filter((sop) => !after.has(sop));
  if (absent.length > 0) {
    return { kind: 'retry', message: `${absent.length} instances are not at the destination after sending`, sent };
  }
  return { kind: 'verified', sent, held: after.size, verification: destination.verification };
}

export function errorMessage(error: unknown): string {
  if (isDomainError(error) || error instanceof Error) return error.message;
  return String(error);
}
