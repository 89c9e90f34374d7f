// HL7 messages received over MLLP (GET /api/hl7/messages, plugin-server/src/web/routes/
// hl7-routes.ts): the list without raw text, one message with its raw text and our ACK, and
// re-processing a failed one. Rows are the bridge's hl7_inbox rows, snake_case as stored.

import { z } from 'zod';
import type { ApiClient } from '../api/api-client.ts';
import { INBOX_STATES, type InboxState } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';

const text = z.string().nullable();

export const inboxMessageSchema = z.object({
  id: z.number(),
  received_at: z.string(),
  remote_address: text,
  sending_application: text,
  sending_facility: text,
  control_id: text,
  message_type: text,
  version: text,
  charset: text,
  application_ack_type: text,
  batch_control_id: text,
  ack_code: z.string(),
  state: z.enum(INBOX_STATES),
  error_code: text,
  error_detail: text,
  attempts: z.number(),
  next_attempt_at: text,
  processed_at: text,
  updated_at: z.string(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

const messageListSchema = z.object({ messages: z.array(inboxMessageSchema) });
const messageDetailSchema = z.object({ message: inboxMessageSchema, rawText: z.string(), ackText: z.string() });
export type InboxMessageDetail = z.infer<typeof messageDetailSchema>;

export type MessageFilter = { state: InboxState | ''; messageType: string; controlId: string };
export const EMPTY_MESSAGE_FILTER: MessageFilter = { state: '', messageType: '', controlId: '' };

export function messageListPath(filter: MessageFilter, page: PageRequest): string {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.before !== undefined) query.set('before', String(page.before));
  if (filter.state !== '') query.set('state', filter.state);
  if (filter.messageType.trim() !== '') query.set('messageType', filter.messageType.trim());
  if (filter.controlId.trim() !== '') query.set('controlId', filter.controlId.trim());
  return `/api/hl7/messages?${query.toString()}`;
}

export async function listMessages(
  api: ApiClient,
  filter: MessageFilter,
  page: PageRequest,
  signal?: AbortSignal,
): Promise<InboxMessage[]> {
  const answer = await api.get(messageListPath(filter, page), messageListSchema, { signal });
  return answer.messages;
}

export function getMessage(api: ApiClient, id: number, signal?: AbortSignal): Promise<InboxMessageDetail> {
  return api.get(`/api/hl7/messages/${id}`, messageDetailSchema, { signal });
}

/** Queues a failed message for processing again; the sidecar answers 409 for any other state. */
export async function reprocessMessage(api: ApiClient, id: number): Promise<void> {
  await api.post(`/api/hl7/messages/${id}/reprocess`, z.object({ ok: z.literal(true) }));
}
