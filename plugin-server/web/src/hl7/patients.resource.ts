// Patients known from ADT and order messages (GET /api/patients, plugin-server/src/web/routes/
// hl7-routes.ts), each with every PID-3 identifier and its history. Rows are the bridge's
// hl7_patients, hl7_patient_identifiers and hl7_patient_events rows, snake_case.

import { z } from 'zod';
import type { ApiClient } from '../api/api-client.ts';
import { PATIENT_EVENTS } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';

const text = z.string().nullable();

export const patientSchema = z.object({
  id: z.number(),
  mrn: z.string(),
  mrn_issuer: z.string(),
  family_name: z.string(),
  given_name: z.string(),
  middle_name: z.string(),
  name_suffix: z.string(),
  name_prefix: z.string(),
  birth_date: text,
  sex: text,
  status: z.enum(['active', 'merged']),
  merged_into_patient_id: z.number().nullable(),
  last_message_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Patient = z.infer<typeof patientSchema>;

export const patientIdentifierSchema = z.object({
  id: z.number(),
  patient_id: z.number(),
  identifier: z.string(),
  assigning_authority: z.string(),
  assigning_authority_universal_id: z.string(),
  assigning_authority_universal_id_type: z.string(),
  identifier_type: z.string(),
  assigning_facility: z.string(),
});
export type PatientIdentifier = z.infer<typeof patientIdentifierSchema>;

export const patientEventSchema = z.object({
  id: z.number(),
  patient_id: z.number(),
  inbox_message_id: z.number(),
  event: z.enum(PATIENT_EVENTS),
  message_type: z.string(),
  details: z.string(),
  occurred_at: z.string(),
});
export type PatientEvent = z.infer<typeof patientEventSchema>;

const patientListSchema = z.object({ patients: z.array(patientSchema) });
const patientDetailSchema = z.object({
  patient: patientSchema,
  identifiers: z.array(patientIdentifierSchema),
  events: z.array(patientEventSchema),
});
export type PatientDetail = z.infer<typeof patientDetailSchema>;

/** birthDate as an <input type=date> gives it: YYYY-MM-DD, the form the bridge stores. */
export type PatientFilter = { mrn: string; familyNamePrefix: string; birthDate: string };
export const EMPTY_PATIENT_FILTER: PatientFilter = { mrn: '', familyNamePrefix: '', birthDate: '' };

export function patientListPath(filter: PatientFilter, page: PageRequest): string {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.before !== undefined) query.set('before', String(page.before));
  if (filter.mrn.trim() !== '') query.set('mrn', filter.mrn.trim());
  if (filter.familyNamePrefix.trim() !== '') query.set('familyNamePrefix', filter.familyNamePrefix.trim());
  if (filter.birthDate !== '') query.set('birthDate', filter.birthDate);
  return `/api/patients?${query.toString()}`;
}

export async function listPatients(
  api: ApiClient,
  filter: PatientFilter,
  page: PageRequest,
  signal?: AbortSignal,
): Promise<Patient[]> {
  const answer = await api.get(patientListPath(filter, page), patientListSchema, { signal });
  return answer.patients;
}

export function getPatient(api: ApiClient, id: number, signal?: AbortSignal): Promise<PatientDetail> {
  return api.get(`/api/patients/${id}`, patientDetailSchema, { signal });
}
