import { describe, expect, it } from 'vitest';
import { stateLabel } from './hl7-states.ts';

describe('HL7 state labels', () => {
  it('reads states as words', () => {
    expect(stateLabel('retry_wait')).toBe('retry wait');
    expect(stateLabel('in_progress')).toBe('in progress');
    expect(stateLabel('failed')).toBe('failed');
  });
});
