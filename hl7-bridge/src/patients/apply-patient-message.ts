// Applies ADT demographics and A40 merges to the patients cache, and merges to orders, inside the
// worker's transaction. Every change records the inbox message id that caused it.
//
// A01/A04/A08/A31 create or update the patient keyed by MRN + issuer: the name is taken as sent
// (ADT carries the whole name), birth date and sex only when sent; PID-3 replaces the identifiers.
// A40 (HL7 v2.5 section 3.3.40): the PID patient survives (created if unknown), the MRG-1 patient
// is marked merged into it, and every order of the retired MRN is re-keyed to the surviving one.

import type { Kysely } from 'kysely';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import type { MappedMergeMessage, MappedPatient, MappedPatientMessage } from '../mapping/domain-schemas.ts';
import { rekeyOrders } from '../orders/orders-store.ts';
import { findPatient, insertPatient, markMerged, recordPatientEvent, updatePatient } from './patients-store.ts';

export interface ApplyContext {
  readonly inboxMessageId: number;
  readonly messageType: string;
  readonly now: string;
}

/** Creates or updates the patient; returns its id. */
export async function upsertPatient(
  db: Kysely<Hl7Tables>,
  patient: MappedPatient,
  context: ApplyContext,
  mode: 'update' | 'create-only',
): Promise<number> {
  const current = await findPatient(db, patient.mrn, patient.mrnIssuer);
  const base = { inboxMessageId: context.inboxMessageId, messageType: context.messageType, now: context.now };
  if (current === undefined) {
    const patientId = await insertPatient(db, patient, context.inboxMessageId, context.now);
    await recordPatientEvent(db, { ...base, patientId, event: 'created', details: {} });
    return patientId;
  }
  if (mode === 'create-only') return current.id;
  const changed = await updatePatient(db, current, patient, context.inboxMessageId, context.now);
  await recordPatientEvent(db, {
    ...base,
    patientId: current.id,
    event: changed.length > 0 ? 'updated' : 'no_change',
    details: { changed },
  });
  return current.id;
}

export async function applyPatientMessage(
  db: Kysely<Hl7Tables>,
  message: MappedPatientMessage,
  context: ApplyContext,
): Promise<void> {
  await upsertPatient(db, message.patient, context, 'update');
}

export async function applyMergeMessage(
  db: Kysely<Hl7Tables>,
  message: MappedMergeMessage,
  context: ApplyContext,
): Promise<void> {
  const base = { inboxMessageId: context.inboxMessageId, messageType: context.messageType, now: context.now };
  for (const merge of message.merges) {
    const survivorId = await upsertPatient(db, merge.patient, context, 'update');
    if (merge.priorMrn === merge.patient.mrn && merge.priorMrnIssuer === merge.patient.mrnIssuer) continue;
    const prior = await findPatient(db, merge.priorMrn, merge.priorMrnIssuer);
    if (prior !== undefined && prior.id !== survivorId) {
      await markMerged(db, prior.id, survivorId, context.inboxMessageId, context.now);
      await recordPatientEvent(db, {
        ...base,
        patientId: prior.id,
        event: 'merged_into',
        details: { patientId: survivorId },
      });
      await recordPatientEvent(db, {
        ...base,
        patientId: survivorId,
        event: 'merged_from',
        details: { patientId: prior.id },
      });
    }
    await rekeyOrders(db, {
      from: { mrn: merge.priorMrn, issuer: merge.priorMrnIssuer },
      to: { mrn: merge.patient.mrn, issuer: merge.patient.mrnIssuer },
      inboxMessageId: context.inboxMessageId,
      now: context.now,
    });
  }
}
