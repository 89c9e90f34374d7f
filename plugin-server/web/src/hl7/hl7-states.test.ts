import * as bridge from '@outside/hl7-bridge';
import { describe, expect, it } from 'vitest';
import * as ui from './hl7-states.ts';

describe('the UI copy of the HL7 bridge states', () => {
  it.each([
    ['INBOX_STATES', ui.INBOX_STATES, bridge.INBOX_STATES],
    ['ORDER_STATUSES', ui.ORDER_STATUSES, bridge.ORDER_STATUSES],
    ['ORDER_EVENTS', ui.ORDER_EVENTS, bridge.ORDER_EVENTS],
    ['PATIENT_EVENTS', ui.PATIENT_EVENTS, bridge.PATIENT_EVENTS],
    ['OUTBOX_STATES', ui.OUTBOX_STATES, bridge.OUTBOX_STATES],
    ['OUTBOX_KINDS', ui.OUTBOX_KINDS, bridge.OUTBOX_KINDS],
  ])('%s matches the bridge schema', (_name, copy, original) => {
    expect(copy).toEqual(original);
  });

  it('reads states as words', () => {
    expect(ui.stateLabel('retry_wait')).toBe('retry wait');
    expect(ui.stateLabel('in_progress')).toBe('in progress');
    expect(ui.stateLabel('failed')).toBe('failed');
  });
});
