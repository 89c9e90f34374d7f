import { z } from 'zod';

// The output of HL7 mapping (DESIGN section 5), validated with zod before it is applied: these
// are the only shapes the stores accept. Types are inferred from the schemas, not written twice.

const text = z.string();
const optionalText = z.string().min(1).nullable();
/** ISO-8601 date with the precision the sender gave: YYYY, YYYY-MM or YYYY-MM-DD. */
const isoDate = z.string().regex(/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/);
const isoTimestamp = z.iso.datetime();
/** DICOM UID (PS3.5 section 9.1): digits and dots, at most 64 characters. */
export const dicomUidSchema = z
  .string()
  .max(64)
  .regex(/^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))+$/);

export const patientIdentifierSchema = z.object({
  /** CX.1 */
  identifier: text.min(1),
  /** CX.4.1 namespace id of the assigning authority. */
  assigningAuthority: text,
  /** CX.4.2 / CX.4.3 universal id and its type (e.g. an OID and 'ISO'). */
  assigningAuthorityUniversalId: text,
  assigningAuthorityUniversalIdType: text,
  /** CX.5, HL7 table 0203 (MR, PI, SS, ...). */
  identifierType: text,
  /** CX.6.1 */
  assigningFacility: text,
});
export type PatientIdentifier = z.infer<typeof patientIdentifierSchema>;

/** XPN (HL7 v2.5 section 2.A.88): family ^ given ^ middle ^ suffix ^ prefix. */
export const personNameSchema = z.object({
  familyName: text,
  givenName: text,
  middleName: text,
  suffix: text,
  prefix: text,
});
export type PersonName = z.infer<typeof personNameSchema>;

export const mappedPatientSchema = z.object({
  /** The PID-3 repetition of type MR from the local assigning authority. */
  mrn: text.min(1),
  mrnIssuer: text.min(1),
  identifiers: z.array(patientIdentifierSchema).min(1),
  name: personNameSchema,
  birthDate: isoDate.nullable(),
  /** PID-8 as sent (HL7 table 0001: F, M, O, U, A, N). */
  sex: optionalText,
});
export type MappedPatient = z.infer<typeof mappedPatientSchema>;

export const ORDER_CONTROL_CODES = ['NW', 'XO', 'CA', 'OC', 'DC', 'OD', 'SC'] as const;
export type OrderControlCode = (typeof ORDER_CONTROL_CODES)[number];

/** ORC-5 values we accept (HL7 table 0038, without ER "error, order not found"). */
export const ORDER_STATUS_CODES = ['A', 'CA', 'CM', 'DC', 'HD', 'IP', 'RP', 'SC'] as const;
export type OrderStatusCode = (typeof ORDER_STATUS_CODES)[number];

export const mappedOrderSchema = z
  .object({
    orderControl: z.enum(ORDER_CONTROL_CODES),
    orderStatusCode: z.enum(ORDER_STATUS_CODES).nullable(),
    /** ORC-2 (or OBR-2) EI.1 and EI.2. */
    placerOrderNumber: optionalText,
    placerApplication: text,
    /** ORC-3 (or OBR-3) EI.1 and EI.2. */
    fillerOrderNumber: optionalText,
    fillerApplication: text,
    accessionNumber: optionalText,
    requestedProcedureId: optionalText,
    scheduledProcedureStepId: optionalText,
    procedureCode: optionalText,
    procedureCodingSystem: optionalText,
    procedureText: optionalText,
    modality: optionalText,
    studyInstanceUid: dicomUidSchema.nullable(),
    orderedAt: isoTimestamp.nullable(),
    scheduledAt: isoTimestamp.nullable(),
    department: optionalText,
    orderingProviderId: optionalText,
    orderingProviderName: optionalText,
    reasonForStudy: optionalText,
    /** Whether the message carried the order detail (OBR); CA/DC often do not. */
    hasOrderDetail: z.boolean(),
  })
  .refine((order) => order.placerOrderNumber !== null || order.fillerOrderNumber !== null, {
    message: 'an order needs a placer or a filler order number',
  });
export type MappedOrder = z.infer<typeof mappedOrderSchema>;

export const mappedOrderMessageSchema = z.object({
  kind: z.literal('order'),
  messageType: z.enum(['ORM^O01', 'OMI^O23']),
  patient: mappedPatientSchema,
  orders: z.array(mappedOrderSchema).min(1),
});

export const mappedPatientMessageSchema = z.object({
  kind: z.literal('patient'),
  triggerEvent: z.enum(['A01', 'A04', 'A08', 'A31']),
  patient: mappedPatientSchema,
});

export const mappedMergeSchema = z.object({
  /** The surviving patient, from PID. */
  patient: mappedPatientSchema,
  /** The retired local MRN, from MRG-1. */
  priorMrn: text.min(1),
  priorMrnIssuer: text.min(1),
});
export type MappedMerge = z.infer<typeof mappedMergeSchema>;

export const mappedMergeMessageSchema = z.object({
  kind: z.literal('merge'),
  merges: z.array(mappedMergeSchema).min(1),
});

export const mappedMessageSchema = z.discriminatedUnion('kind', [
  mappedOrderMessageSchema,
  mappedPatientMessageSchema,
  mappedMergeMessageSchema,
]);
export type MappedMessage = z.infer<typeof mappedMessageSchema>;
export type MappedOrderMessage = z.infer<typeof mappedOrderMessageSchema>;
export type MappedPatientMessage = z.infer<typeof mappedPatientMessageSchema>;
export type MappedMergeMessage = z.infer<typeof mappedMergeMessageSchema>;
