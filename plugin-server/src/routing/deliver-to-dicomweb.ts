import type { DeliveryOutcome } from './deliver-study.ts';
import { deliverWithQueries, type QueryDeliveryInput } from './deliver-with-queries.ts';

// A DICOMweb archive, through the staging Orthanc's DICOMweb plugin (which keeps the server's
// credentials): QIDO-RS to ask and verify, STOW-RS to send.

const SOP_INSTANCE_UID = '00080018';
const PATIENT_ID = '00100020';

export interface DicomWebDeliveryInput extends QueryDeliveryInput {
  server: { name: string; url: string; username: string | null; password: string | null };
  StudyInstanceUID: string;
}

function firstValue(answer: Record<string, unknown>, tag: string): string | undefined {
  const element = answer[tag];
  if (typeof element !== 'object' || element === null || !('Value' in element)) return undefined;
  const values = element.Value;
  return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
}

export function deliverToDicomWeb(input: DicomWebDeliveryInput): Promise<DeliveryOutcome> {
  const { orthanc, server } = input;
  return deliverWithQueries(
    {
      prepare: () =>
        orthanc.putDicomWebServer(server.name, {
          Url: server.url,
          ...(server.username === null ? {} : { Username: server.username }),
          ...(server.password === null ? {} : { Password: server.password }),
        }),
      studyPatientIds: async () =>
        (
          await orthanc.qidoAtDicomWebServer(server.name, '/studies', {
            StudyInstanceUID: input.StudyInstanceUID,
            includefield: PATIENT_ID,
          })
        ).map((answer) => firstValue(answer, PATIENT_ID) ?? ''),
      heldSops: async () => {
        const answers = await orthanc.qidoAtDicomWebServer(
          server.name,
          `/studies/${encodeURIComponent(input.StudyInstanceUID)}/instances`,
        );
        return new Set(
          answers.map((answer) => firstValue(answer, SOP_INSTANCE_UID)).filter((sop) => sop !== undefined),
        );
      },
      send: (instanceIds) => orthanc.stowToDicomWebServer(server.name, instanceIds),
      verification: 'qido',
    },
    input,
  );
}
