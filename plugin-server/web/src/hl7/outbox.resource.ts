// Messages we send to the EMR (GET /api/hl7/outbox, plugin-server/src/web/routes/hl7-routes.ts):
// order requests and application ACKs with their delivery state, and sending a dead one again.
// Rows are the bridge's hl7_outbox rows without the payload, snake_case.

import { z } from 'zod';
import type { ApiClient } from '../api/api-client.ts';
import { OUTBOX_KINDS, OUTBOX_STATES, type OutboxState } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';

const text = z.string().nullable();

export const outboxMessageSchema = z.object({
  id: z.number(),
  kind: z.enum(OUTBOX_KINDS),
  state: z.enum(OUTBOX_STATES),
  control_id: z.string(),
  message_type: z.string(),
  study_instance_uid: text,
  placer_order_number: text,
  requested_by: text,
  inbox_message_id: z.number().nullable(),
  attempts: z.number(),
  next_attempt_at: text,
  last_error: text,
  ack_code: text,
  created_at: z.string(),
  updated_at: z.string(),
  sent_at: text,
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

const outboxListSchema = z.object({ messages: z.array(outboxMessageSchema) });

export type OutboxFilter = { state: OutboxState | '' };
export const EMPTY_OUTBOX_FILTER: OutboxFilter = { state: '' };

export function outboxListPath(filter: OutboxFilter, page: PageRequest): string {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.before !== undefined) query.set('before', String(page.before));
  if (filter.state !== '') query.set('state', filter.state);
  return `/api/hl7/outbox?${query.toString()}`;
}

export async function listOutbox(
  api: ApiClient,
  filter: OutboxFilter,
  page: PageRequest,
  signal?: AbortSignal,
): Promise<OutboxMessage[]> {
  const answer = await api.get(outboxListPath(filter, page), outboxListSchema, { signal });
  return answer.messages;
}

/** Sends a dead message again; the sidecar answers 409 for any other state. */
export async function retryOutboxMessage(api: ApiClient, id: number): Promise<void> {
  await api.post(`/api/hl7/outbox/${id}/retry`, z.object({ ok: z.literal(true) }));
}
