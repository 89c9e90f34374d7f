import { OrthancClient } from '../orthanc/orthanc-client.ts';
import type { DeliveryOutcome } from './deliver-study.ts';
import { deliverWithQueries, type QueryDeliveryInput } from './deliver-with-queries.ts';

// An Orthanc peer over HTTP: asked through its own REST API, sent to through the staging
// Orthanc's `/peers/{name}/store`.

export interface PeerDeliveryInput extends QueryDeliveryInput {
  peer: { name: string; url: string; username: string | null; password: string | null };
  StudyInstanceUID: string;
  timeoutMs: number;
}

export function deliverToPeer(input: PeerDeliveryInput): Promise<DeliveryOutcome> {
  const { orthanc, peer } = input;
  const remote = new OrthancClient({
    url: peer.url,
    username: peer.username ?? '',
    password: peer.password ?? '',
    timeoutMs: input.timeoutMs,
  });
  const studies = async () => {
    const found = (await remote.lookup(input.StudyInstanceUID)).filter((resource) => resource.Type === 'Study');
    return Promise.all(found.map((resource) => remote.study(resource.ID)));
  };
  return deliverWithQueries(
    {
      prepare: () =>
        orthanc.putPeer(peer.name, {
          Url: peer.url,
          ...(peer.username === null ? {} : { Username: peer.username }),
          ...(peer.password === null ? {} : { Password: peer.password }),
        }),
      studyPatientIds: async () => (await studies()).map((study) => study.PatientMainDicomTags.PatientID ?? ''),
      heldSops: async () => {
        const sops = new Set<string>();
        for (const study of await studies()) {
          for (const instance of await remote.studyInstances(study.ID)) {
            if (instance.MainDicomTags.SOPInstanceUID !== undefined) sops.add(instance.MainDicomTags.SOPInstanceUID);
          }
        }
        return sops;
      },
      send: (instanceIds) => orthanc.storeToPeer(peer.name, instanceIds),
      verification: 'rest',
    },
    input,
  );
}
