// The HL7 bridge's states and event names, as its tables spell them
// (hl7-bridge/src/db/hl7-schema.ts). Copied rather than imported: the UI bundles files from
// plugin-server only (the Vite dev server serves nothing else), and that module is the bridge's
// database schema. hl7-states.test.ts fails when the two lists drift apart.

export const INBOX_STATES = ['pending', 'retry_wait', 'processed', 'failed', 'rejected'] as const;
export type InboxState = (typeof INBOX_STATES)[number];

export const ORDER_STATUSES = [
  'new',
  'scheduled',
  'in_progress',
  'held',
  'completed',
  'cancelled',
  'discontinued',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = [
  'created',
  'updated',
  'status_changed',
  'cancelled',
  'discontinued',
  'no_change',
  'patient_merged',
] as const;

export const PATIENT_EVENTS = ['created', 'updated', 'no_change', 'merged_into', 'merged_from'] as const;

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'retry_wait', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const OUTBOX_KINDS = ['order_request', 'application_ack'] as const;

/** How a state or event reads on screen: words, not identifiers. */
export function stateLabel(state: string): string {
  return state.replaceAll('_', ' ');
}
