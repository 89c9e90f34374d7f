// A state (message, order, outbound message) as a coloured badge; the colours are in styles.css.

import { stateLabel } from './hl7-states.ts';

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge badge--state badge--${state}`}>{stateLabel(state)}</span>;
}
