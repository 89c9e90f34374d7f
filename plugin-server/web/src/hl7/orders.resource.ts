// Orders received from the EMR (GET /api/orders, plugin-server/src/web/routes/hl7-routes.ts) and
// the history of each. Rows are the bridge's hl7_orders and hl7_order_events rows, snake_case.

import { z } from 'zod';
import type { ApiClient } from '../api/api-client.ts';
import { ORDER_EVENTS, ORDER_STATUSES, type OrderStatus } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';

const text = z.string().nullable();

export const orderSchema = z.object({
  id: z.number(),
  placer_order_number: text,
  placer_application: z.string(),
  filler_order_number: text,
  filler_application: z.string(),
  status: z.enum(ORDER_STATUSES),
  order_control: z.string(),
  order_status_code: text,
  mrn: z.string(),
  mrn_issuer: z.string(),
  patient_family_name: z.string(),
  patient_given_name: z.string(),
  patient_middle_name: z.string(),
  patient_name_suffix: z.string(),
  patient_name_prefix: z.string(),
  patient_birth_date: text,
  patient_sex: text,
  accession_number: text,
  requested_procedure_id: text,
  scheduled_procedure_step_id: text,
  procedure_code: text,
  procedure_coding_system: text,
  procedure_text: text,
  modality: text,
  study_instance_uid: text,
  ordered_at: text,
  scheduled_at: text,
  department: text,
  ordering_provider_id: text,
  ordering_provider_name: text,
  reason_for_study: text,
  created_by_message_id: z.number(),
  last_message_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Order = z.infer<typeof orderSchema>;

export const orderEventSchema = z.object({
  id: z.number(),
  order_id: z.number(),
  inbox_message_id: z.number(),
  event: z.enum(ORDER_EVENTS),
  order_control: text,
  status_before: text,
  status_after: z.string(),
  details: z.string(),
  occurred_at: z.string(),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;

const orderListSchema = z.object({ orders: z.array(orderSchema) });
const orderDetailSchema = z.object({ order: orderSchema, events: z.array(orderEventSchema) });
export type OrderDetail = z.infer<typeof orderDetailSchema>;

export type OrderFilter = { mrn: string; accessionNumber: string; status: OrderStatus | '' };
export const EMPTY_ORDER_FILTER: OrderFilter = { mrn: '', accessionNumber: '', status: '' };

export function orderListPath(filter: OrderFilter, page: PageRequest): string {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.before !== undefined) query.set('before', String(page.before));
  if (filter.mrn.trim() !== '') query.set('mrn', filter.mrn.trim());
  if (filter.accessionNumber.trim() !== '') query.set('accessionNumber', filter.accessionNumber.trim());
  if (filter.status !== '') query.set('status', filter.status);
  return `/api/orders?${query.toString()}`;
}

export async function listOrders(
  api: ApiClient,
  filter: OrderFilter,
  page: PageRequest,
  signal?: AbortSignal,
): Promise<Order[]> {
  const answer = await api.get(orderListPath(filter, page), orderListSchema, { signal });
  return answer.orders;
}

export function getOrder(api: ApiClient, id: number, signal?: AbortSignal): Promise<OrderDetail> {
  return api.get(`/api/orders/${id}`, orderDetailSchema, { signal });
}
