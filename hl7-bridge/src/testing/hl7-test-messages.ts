// Synthetic HL7 messages for tests and the benchmark. Every name, date and number here is made
// up. Segments end with CR; callers turn the text into bytes (Latin-1 unless stated).

export interface TestPatient {
  readonly mrn: string;
  readonly authority?: string;
  readonly familyName?: string;
  readonly givenName?: string;
  readonly birthDate?: string;
  readonly sex?: string;
  /** Further PID-3 repetitions, already in CX form. */
  readonly otherIdentifiers?: readonly string[];
}

function pid(patient: TestPatient): string {
  const identifiers = [`${patient.mrn}^^^${patient.authority ?? 'HOSP'}^MR`, ...(patient.otherIdentifiers ?? [])].join(
    '~',
  );
  return `PID|1||${identifiers}||${patient.familyName ?? 'TESTPATIENT'}^${patient.givenName ?? 'ALEX'}||${patient.birthDate ?? '19800214'}|${patient.sex ?? 'F'}`;
}

/** A segment from field number -> value; unlisted fields are empty. */
export function segment(name: string, fields: Readonly<Record<number, string>>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const values = Array.from({ length: last }, (_, index) => fields[index + 1] ?? '');
  return [name, ...values].join('|');
}

function msh(type: string, controlId: string, version: string, extra = ''): string {
  return `MSH|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240301101500||${type}|${controlId}|P|${version}${extra}`;
}

export interface TestOrder {
  readonly controlId: string;
  readonly version?: string;
  readonly orderControl?: string;
  readonly orderStatus?: string;
  readonly placer: string;
  readonly filler?: string;
  readonly accession?: string;
  readonly studyInstanceUid?: string;
  readonly procedureCode?: string;
  readonly procedureText?: string;
  readonly modality?: string;
  readonly patient: TestPatient;
  /** MSH fields 13 and up, e.g. '|||AL|AL' for enhanced mode. */
  readonly mshExtra?: string;
}

/** ORM^O01: ORC, OBR (accession in OBR-18, requested procedure id in OBR-19), ZDS. */
export function ormMessage(order: TestOrder): string {
  const version = order.version ?? '2.5';
  const type = version === '2.3' ? 'ORM^O01' : 'ORM^O01^ORM_O01';
  const placer = `${order.placer}^EMR`;
  const filler = order.filler === undefined ? '' : `${order.filler}^RIS`;
  const obr = segment('OBR', {
    1: '1',
    2: placer,
    3: filler,
    4: `${order.procedureCode ?? 'CTHEAD'}^${order.procedureText ?? 'CT HEAD WITHOUT CONTRAST'}^L`,
    7: '20240301100000',
    18: order.accession ?? '',
    19: `RP${order.placer}`,
    24: order.modality ?? 'CT',
  });
  const segments = [
    msh(type, order.controlId, version, order.mshExtra),
    pid(order.patient),
    segment('PV1', { 1: '1', 2: 'O', 3: 'RAD^^^HOSP', 10: 'RAD' }),
    `ORC|${order.orderControl ?? 'NW'}|${placer}|${filler}||${order.orderStatus ?? ''}||||20240301100000|||1234^ORDERING^DOC`,
    obr,
  ];
  if (order.studyInstanceUid !== undefined) segments.push(`ZDS|${order.studyInstanceUid}^EMR^Application^DICOM`);
  return `${segments.join('\r')}\r`;
}

/** OMI^O23 (v2.5.1): ORC, TQ1, OBR, IPC (accession, requested procedure, study UID, step, modality). */
export function omiMessage(order: TestOrder): string {
  const placer = `${order.placer}^EMR`;
  const segments = [
    msh('OMI^O23^OMI_O23', order.controlId, order.version ?? '2.5.1', order.mshExtra),
    pid(order.patient),
    `ORC|${order.orderControl ?? 'NW'}|${placer}|||${order.orderStatus ?? ''}||||20240301100000`,
    'TQ1|1||||||20240305083000',
    `OBR|1|${placer}||${order.procedureCode ?? 'MRKNEE'}^${order.procedureText ?? 'MR KNEE'}^L`,
    `IPC|${order.accession ?? ''}|RP${order.placer}|${order.studyInstanceUid ?? ''}|SPS${order.placer}|${order.modality ?? 'MR'}`,
  ];
  return `${segments.join('\r')}\r`;
}

/** ADT^A01/A04/A08/A31. */
export function adtMessage(controlId: string, trigger: string, patient: TestPatient, version = '2.5'): string {
  const type = version === '2.3' ? `ADT^${trigger}` : `ADT^${trigger}^ADT_A01`;
  return `${[msh(type, controlId, version), `EVN|${trigger}|20240301101500`, pid(patient), 'PV1|1|O'].join('\r')}\r`;
}

/** ADT^A40: PID is the surviving patient, MRG-1 the retired MRN. */
export function mergeMessage(controlId: string, survivor: TestPatient, priorMrn: string, version = '2.5'): string {
  const type = version === '2.3' ? 'ADT^A40' : 'ADT^A40^ADT_A39';
  return `${[msh(type, controlId, version), 'EVN|A40|20240301101500', pid(survivor), `MRG|${priorMrn}^^^HOSP^MR`].join('\r')}\r`;
}

/** Any message as Latin-1 bytes (the default character set). */
export function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** MSA-1 and MSA-2 of an ACK. */
export function ackFields(ack: Buffer): { code: string; controlId: string; segments: string[] } {
  const segments = ack
    .toString('latin1')
    .split('\r')
    .filter((segment) => segment !== '');
  const msa = segments.find((segment) => segment.startsWith('MSA|'))?.split('|') ?? [];
  return { code: msa[1] ?? '', controlId: msa[2] ?? '', segments };
}
