import type { Hl7Bridge } from '@outside/hl7-bridge';
import type { Kysely } from 'kysely';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, StudyRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { secondReadResultSchema } from '../domain/viewer-panel.ts';
import { requestOrder } from '../orders/request-order.ts';
import { tagStudy, untagStudy } from './study-tags.ts';
import type { z } from 'zod';

// "Request second read" (issue #7): the study is tagged, and when no local order covers it yet the
// EMR is asked for one (ORM^O01 NW through the bridge's durable outbox). The EMR's answer comes back
// as an ordinary order and is matched to the study like any other.

type SecondReadResult = z.infer<typeof secondReadResultSchema>;

interface Deps {
  db: Kysely<Database>;
  audit: AuditLog;
  config: Config;
  hl7: Hl7Bridge | undefined;
}

const CLOSED_STATES = new Set(['discarded', 'purged']);

/** DICOM PN `FAMILY^GIVEN^MIDDLE` as the order request's name parts. */
function nameParts(dicomName: string): { familyName: string; givenName: string; middleName: string } {
  const [familyName = '', givenName = '', middleName = ''] = dicomName.split('^');
  return { familyName, givenName, middleName };
}

/** DICOM DA `YYYYMMDD` as an ISO date; anything else is left out rather than guessed. */
function isoBirthDate(da: string | null): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(da ?? '');
  return match === null ? null : `${match[1]}-${match[2]}-${match[3]}`;
}

async function orderWanted(db: Kysely<Database>, study: StudyRow): Promise<string | null> {
  if (study.matched_order_id !== null) {
    const order = await db
      .selectFrom('hl7_orders')
      .select(['placer_order_number', 'filler_order_number'])
      .where('id', '=', study.matched_order_id)
      .executeTakeFirst();
    const number = order?.placer_order_number ?? order?.filler_order_number ?? String(study.matched_order_id);
    return `the study already has order ${number}`;
  }
  if (study.local_mrn === null) return 'no local patient is known yet: reconcile the study, then request the order';
  return null;
}

export async function requestSecondRead(
  deps: Deps,
  studyId: string,
  actor: AuditActor,
  requester: { displayName: string },
  reason: string,
): Promise<SecondReadResult> {
  const { db, config } = deps;
  const who = actor.username ?? 'unknown';
  const study = await db.selectFrom('studies').selectAll().where('id', '=', studyId).executeTakeFirst();
  if (study === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
  if (CLOSED_STATES.has(study.state)) throw new DomainError('conflict', `study ${studyId} is ${study.state}`);

  const tagged = await tagStudy(db, studyId, 'second-read', who, reason);
  if (!tagged) throw new DomainError('conflict', `a second read of study ${studyId} was already requested`);

  const noOrderRequestBecause = await orderWanted(db, study);
  let orderRequest: SecondReadResult['orderRequest'] = null;
  if (noOrderRequestBecause === null && study.local_mrn !== null) {
    const enqueued = await requestOrder(deps, {
      patient: {
        mrn: study.local_mrn,
        mrnIssuer: study.local_mrn_issuer ?? config.matching.localIssuer,
        ...nameParts(study.local_patient_name ?? ''),
        birthDate: isoBirthDate(study.local_patient_birth_date),
        sex: study.local_patient_sex === null || study.local_patient_sex === '' ? null : study.local_patient_sex,
      },
      procedure: {
        code: config.secondRead.procedureCode,
        text: config.secondRead.procedureText,
        codingSystem: config.secondRead.codingSystem,
      },
      reason,
      requestedBy: { userId: who, familyName: requester.displayName },
      studyInstanceUid: study.study_instance_uid,
    }).catch(async (error: unknown) => {
      // Without its order the request did not happen: leave the study as it was so it can be retried.
      await untagStudy(db, studyId, 'second-read');
      throw error;
    });
    orderRequest = { placerOrderNumber: enqueued.placerOrderNumber, outboxMessageId: enqueued.outboxMessageId };
  }
  await deps.audit.record({
    type: 'studyUpdated',
    actor,
    object: { type: 'study', id: studyId },
    details: { action: 'second read requested', orderRequested: orderRequest?.placerOrderNumber ?? null },
  });
  if (orderRequest !== null) {
    await deps.audit.record({
      type: 'orderRecord',
      actor,
      object: { type: 'hl7-outbox', id: String(orderRequest.outboxMessageId) },
      details: { action: 'order request created', placerOrderNumber: orderRequest.placerOrderNumber, studyId },
    });
  }
  return { tagged, orderRequest, noOrderRequestBecause };
}
