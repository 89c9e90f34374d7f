// The columns every HL7 history table (an order's, a patient's) starts and ends with: when, what
// happened, and the message that made the change, around the columns each history adds.

import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { Column } from './data-table.component.tsx';
import { describeEventDetails, orDash } from './hl7-format.ts';
import { stateLabel } from './hl7-states.ts';
import { PageLink } from './page-link.component.tsx';

type HistoryEvent = { id: number; occurred_at: string; event: string; details: string; inbox_message_id: number };

export function historyColumns<Event extends HistoryEvent>(own: readonly Column<Event>[]): readonly Column<Event>[] {
  return [
    { header: 'When', className: 'nowrap', cell: (event) => formatDateTime(event.occurred_at) },
    { header: 'Event', cell: (event) => stateLabel(event.event) },
    ...own,
    { header: 'Details', className: 'text-break', cell: (event) => orDash(describeEventDetails(event.details)) },
    {
      header: 'Message',
      cell: (event) => (
        <PageLink href={hrefOf(ROUTES.hl7Messages, { id: event.inbox_message_id })}>#{event.inbox_message_id}</PageLink>
      ),
    },
  ];
}
