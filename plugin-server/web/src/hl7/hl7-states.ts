// The HL7 bridge's states and event names come from its schema module (type-only imports and
// constant lists, safe in a browser bundle), so the UI and the tables cannot drift apart.
export {
  INBOX_STATES,
  ORDER_EVENTS,
  ORDER_STATUSES,
  OUTBOX_KINDS,
  OUTBOX_STATES,
  PATIENT_EVENTS,
  type InboxState,
  type OrderStatus,
  type OutboxState,
} from '@outside/hl7-bridge/schema';

/** How a state or event reads on screen: words, not identifiers. */
export function stateLabel(state: string): string {
  return state.replaceAll('_', ' ');
}
