import { isDomainError } from '../domain/errors.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';

// One delivery attempt of one study to one DICOM destination, through the staging Orthanc's
// modality (DESIGN.md section 7): ask the destination what it holds (C-FIND), stop if it holds the
// Study UID under another Patient ID, send only what is missing (C-STORE), then verify by asking
// again. Every step can be repeated after a crash: what was stored is found by the next C-FIND.

const STORE_BATCH = 100;

export type DeliveryOutcome =
  | {
      kind: 'verified';
      sent: number;
      held: number;
      verification: 'c-find' | 'c-store-status' | 'rest' | 'qido' | 'storage-commitment';
    }
  | { kind: 'conflict'; message: string }
  | { kind: 'retry'; message: string; sent: number }
  | { kind: 'refused'; message: string; sent: number };

export interface DeliveryInput {
  orthanc: OrthancClient;
  /** The Orthanc modality the destination is registered as. */
  modality: string;
  orthancStudyId: string;
  StudyInstanceUID: string;
  /** The Patient ID the study carries (coerced). */
  patientId: string;
  /** Ask for storage commitment and confirm with its reports (the destination offers it). */
  storageCommitment?: boolean;
  /** How long to wait for a storage commitment report. */
  commitmentTimeoutMs?: number;
  /** Progress, after each stored batch. */
  onProgress?: (sent: number) => Promise<void>;
}

/**
 * DIMSE statuses (PS3.4 B.2.3, PS3.7 C): A7xx out of resources and network trouble are worth
 * retrying; SOP class not supported (0122), data set does not match (A9xx) and cannot
 * understand (Cxxx) will fail the same way again.
 */
export function classifyFailure(message: string): 'retry' | 'refused' {
  const status = /status\s+0x([0-9a-f]{4})/i.exec(message)?.[1]?.toLowerCase();
  if (status !== undefined) {
    if (status.startsWith('a7')) return 'retry';
    if (status === '0122' || status === '0124' || status.startsWith('a9') || status.startsWith('c')) {
      return 'refused';
    }
  }
  // Orthanc 1.10.1 words "no accepted presentation context for this SOP class" as a failed
  // transcoding to an empty list of transfer syntaxes.
  if (/not supported|no presentation context|abstract syntax|cannot transcode/i.test(message)) return 'refused';
  return 'retry';
}

export async function deliverStudy(input: DeliveryInput): Promise<DeliveryOutcome> {
  const { orthanc, modality } = input;
  const local = await orthanc.studyInstances(input.orthancStudyId);
  const localSops = new Map(local.map((instance) => [instance.MainDicomTags.SOPInstanceUID ?? '', instance.ID]));

  let queryable = true;
  let held = new Set<string>();
  try {
    const studies = await orthanc.findAtModality(modality, 'Study', {
      StudyInstanceUID: input.StudyInstanceUID,
      PatientID: '',
      NumberOfStudyRelatedInstances: '',
    });
    const others = studies
      .map((answer) => answer['PatientID'])
      .filter((id): id is string => typeof id === 'string' && id !== input.patientId);
    if (others.length > 0) {
      return {
        kind: 'conflict',
        message: `the destination holds this Study Instance UID under another Patient ID (${others.join(', ')}); nothing sent`,
      };
    }
    // A study the destination does not know yet needs no instance listing.
    if (studies.length > 0) held = await heldSops(orthanc, modality, input.StudyInstanceUID);
  } catch (error) {
    const message = errorMessage(error);
    // A destination that cannot be queried (e.g. a plain storage SCP) is still sent to; the
    // C-STORE statuses are then the only confirmation.
    if (/C-FIND command is not supported|no presentation context|abstract syntax/i.test(message)) {
      queryable = false;
    } else {
      return { kind: 'retry', message, sent: 0 };
    }
  }

  const missing = [...localSops].filter(([sop]) => !held.has(sop)).map(([, id]) => id);
  let sent = 0;
  const transactions: string[] = [];
  for (let start = 0; start < missing.length; start += STORE_BATCH) {
    const batch = missing.slice(start, start + STORE_BATCH);
    try {
      const transaction = await orthanc.storeToModality(modality, batch, {
        storageCommitment: input.storageCommitment === true,
      });
      if (transaction !== undefined) transactions.push(transaction);
    } catch (error) {
      const raw = errorMessage(error);
      const message = /to one of \[\s*\]/.test(raw)
        ? `the destination does not accept this SOP class (no presentation context): ${raw}`
        : raw;
      return { kind: classifyFailure(message), message, sent };
    }
    sent += batch.length;
    await input.onProgress?.(sent);
  }

  if (input.storageCommitment === true && sent > 0) {
    const committed = await awaitCommitment(orthanc, transactions, input.commitmentTimeoutMs ?? 60_000);
    if (committed.kind !== 'committed') return { ...committed, sent };
    if (committed.count === sent && held.size + sent >= localSops.size) {
      return { kind: 'verified', sent, held: localSops.size, verification: 'storage-commitment' };
    }
  }
  if (!queryable) return { kind: 'verified', sent, held: localSops.size, verification: 'c-store-status' };
  // The count the destination reports settles it when it is complete (each instance was also
  // confirmed by its C-STORE status); the slower listing is only for a count that falls short.
  try {
    const [study] = await orthanc.findAtModality(modality, 'Study', {
      StudyInstanceUID: input.StudyInstanceUID,
      NumberOfStudyRelatedInstances: '',
    });
    const count = Number(study?.['NumberOfStudyRelatedInstances']);
    if (Number.isInteger(count) && count === localSops.size && held.size + sent >= localSops.size) {
      return { kind: 'verified', sent, held: count, verification: 'c-find' };
    }
  } catch {
    // fall through to the listing
  }
  let after: Set<string>;
  try {
    after = await heldSops(orthanc, modality, input.StudyInstanceUID);
  } catch (error) {
    return { kind: 'retry', message: `sent, but verification failed: ${errorMessage(error)}`, sent };
  }
  const absent = [...localSops.keys()].filter((sop) => !after.has(sop));
  if (absent.length > 0) {
    return { kind: 'retry', message: `${absent.length} instances are not at the destination after sending`, sent };
  }
  return { kind: 'verified', sent, held: after.size, verification: 'c-find' };
}

/** Waits for every transaction's report; a failure or no answer in time is worth a retry. */
async function awaitCommitment(
  orthanc: OrthancClient,
  transactions: readonly string[],
  timeoutMs: number,
): Promise<{ kind: 'committed'; count: number } | { kind: 'retry'; message: string }> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  for (const transaction of transactions) {
    for (;;) {
      const report = await orthanc.storageCommitmentReport(transaction);
      if (report.Status === 'Success') {
        count += report.Success.length;
        break;
      }
      if (report.Status === 'Failure') {
        return {
          kind: 'retry',
          message: `storage commitment refused ${report.Failures.length} instances (reasons ${[
            ...new Set(report.Failures.map((failure) => failure.FailureReason)),
          ].join(', ')})`,
        };
      }
      if (Date.now() > deadline) {
        return { kind: 'retry', message: `no storage commitment report within ${timeoutMs / 1000} s` };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { kind: 'committed', count };
}

async function heldSops(orthanc: OrthancClient, modality: string, studyUid: string): Promise<Set<string>> {
  const answers = await orthanc.findAtModality(modality, 'Instance', {
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: '',
    SOPInstanceUID: '',
  });
  return new Set(
    answers.map((answer) => answer['SOPInstanceUID']).filter((sop): sop is string => typeof sop === 'string'),
  );
}

function errorMessage(error: unknown): string {
  if (isDomainError(error) || error instanceof Error) return error.message;
  return String(error);
}
