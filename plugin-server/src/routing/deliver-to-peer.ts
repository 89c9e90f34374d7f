import { z } from 'zod';
import { isDomainError } from '../domain/errors.ts';
import { OrthancClient } from '../orthanc/orthanc-client.ts';
import type { DeliveryOutcome } from './deliver-study.ts';

// One delivery attempt to an Orthanc peer over HTTP: the same steps as for a DICOM destination
// (what does it hold, is the Study UID someone else's, send what is missing, verify), with the
// peer's REST API as the query and the staging Orthanc's `/peers/{name}/store` as the transfer.

const STORE_BATCH = 100;

export interface PeerDeliveryInput {
  /** The staging Orthanc. */
  orthanc: OrthancClient;
  peer: { name: string; url: string; username: string | null; password: string | null };
  orthancStudyId: string;
  StudyInstanceUID: string;
  patientId: string;
  timeoutMs: number;
  onProgress?: (sent: number) => Promise<void>;
}

const studyTagsSchema = z.looseObject({ PatientMainDicomTags: z.looseObject({ PatientID: z.string().optional() }) });

export async function deliverToPeer(input: PeerDeliveryInput): Promise<DeliveryOutcome> {
  const { orthanc, peer } = input;
  const remote = new OrthancClient({
    url: peer.url,
    username: peer.username ?? '',
    password: peer.password ?? '',
    timeoutMs: input.timeoutMs,
  });
  const local = await orthanc.studyInstances(input.orthancStudyId);
  const localSops = new Map(local.map((instance) => [instance.MainDicomTags.SOPInstanceUID ?? '', instance.ID]));

  let held: Set<string>;
  try {
    await orthanc.putPeer(peer.name, {
      Url: peer.url,
      ...(peer.username === null ? {} : { Username: peer.username }),
      ...(peer.password === null ? {} : { Password: peer.password }),
    });
    const studies = await heldStudies(remote, input.StudyInstanceUID);
    const others = studies.map((study) => study.patientId).filter((id) => id !== input.patientId);
    if (others.length > 0) {
      return {
        kind: 'conflict',
        message: `the destination holds this Study Instance UID under another Patient ID (${others.join(', ')}); nothing sent`,
      };
    }
    held = await heldSops(remote, studies);
  } catch (error) {
    return { kind: 'retry', message: errorMessage(error), sent: 0 };
  }

  const missing = [...localSops].filter(([sop]) => !held.has(sop)).map(([, id]) => id);
  let sent = 0;
  for (let start = 0; start < missing.length; start += STORE_BATCH) {
    const batch = missing.slice(start, start + STORE_BATCH);
    try {
      await orthanc.storeToPeer(peer.name, batch);
    } catch (error) {
      // Orthanc reports a peer's refusal and a network failure alike; only a refusal repeats, and
      // the attempts limit ends it.
      return { kind: 'retry', message: errorMessage(error), sent };
    }
    sent += batch.length;
    await input.onProgress?.(sent);
  }

  let after: Set<string>;
  try {
    after = await heldSops(remote, await heldStudies(remote, input.StudyInstanceUID));
  } catch (error) {
    return { kind: 'retry', message: `sent, but verification failed: ${errorMessage(error)}`, sent };
  }
  const absent = [...localSops.keys()].filter((sop) => !after.has(sop));
  if (absent.length > 0) {
    return { kind: 'retry', message: `${absent.length} instances are not at the destination after sending`, sent };
  }
  return { kind: 'verified', sent, held: after.size, verification: 'rest' };
}

async function heldStudies(remote: OrthancClient, uid: string): Promise<{ id: string; patientId: string }[]> {
  const studies = [];
  for (const resource of (await remote.lookup(uid)).filter((r) => r.Type === 'Study')) {
    const study = studyTagsSchema.parse(await remote.study(resource.ID));
    studies.push({ id: resource.ID, patientId: study.PatientMainDicomTags.PatientID ?? '' });
  }
  return studies;
}

async function heldSops(remote: OrthancClient, studies: readonly { id: string }[]): Promise<Set<string>> {
  const sops = new Set<string>();
  for (const study of studies) {
    for (const instance of await remote.studyInstances(study.id)) {
      if (instance.MainDicomTags.SOPInstanceUID !== undefined) sops.add(instance.MainDicomTags.SOPInstanceUID);
    }
  }
  return sops;
}

function errorMessage(error: unknown): string {
  if (isDomainError(error) || error instanceof Error) return error.message;
  return String(error);
}
