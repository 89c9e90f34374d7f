// The order-control state machine (ORC-1, ORC-5), as a table.

import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../db/hl7-schema.ts';
import type { OrderControlCode, OrderStatusCode } from '../mapping/domain-schemas.ts';
import { decideOrderControl, type OrderDecision } from './order-control.ts';

type Case = [
  current: OrderStatus | undefined,
  control: OrderControlCode,
  statusCode: OrderStatusCode | null,
  expected: OrderDecision,
];

const notFound: OrderDecision = { action: 'reject', reason: 'order_not_found', retryable: true };
const invalid: OrderDecision = { action: 'reject', reason: 'invalid_transition', retryable: false };
const update = (status: OrderStatus, event: string, updateFields: boolean) => ({
  action: 'update',
  status,
  event,
  updateFields,
});

const CASES: Case[] = [
  // NW: create, with ORC-5 giving the initial status when it is a plausible one.
  [undefined, 'NW', null, { action: 'create', status: 'new' }],
  [undefined, 'NW', 'SC', { action: 'create', status: 'scheduled' }],
  [undefined, 'NW', 'IP', { action: 'create', status: 'in_progress' }],
  [undefined, 'NW', 'CA', { action: 'create', status: 'new' }],
  ['new', 'NW', null, update('new', 'updated', true) as OrderDecision],
  ['scheduled', 'NW', null, update('scheduled', 'updated', true) as OrderDecision],
  ['cancelled', 'NW', null, invalid],
  ['discontinued', 'NW', null, invalid],
  // XO: update the detail; unknown order is retried; final orders refuse it.
  [undefined, 'XO', null, notFound],
  ['new', 'XO', null, update('new', 'updated', true) as OrderDecision],
  ['new', 'XO', 'SC', update('scheduled', 'updated', true) as OrderDecision],
  ['new', 'XO', 'CA', update('new', 'updated', true) as OrderDecision],
  ['completed', 'XO', null, update('completed', 'updated', true) as OrderDecision],
  ['cancelled', 'XO', null, invalid],
  // CA / OC cancel, idempotently; DC / OD discontinue.
  [undefined, 'CA', null, notFound],
  ['new', 'CA', null, update('cancelled', 'cancelled', false) as OrderDecision],
  ['completed', 'OC', null, update('cancelled', 'cancelled', false) as OrderDecision],
  ['cancelled', 'CA', null, update('cancelled', 'no_change', false) as OrderDecision],
  ['discontinued', 'CA', null, update('cancelled', 'cancelled', false) as OrderDecision],
  [undefined, 'DC', null, notFound],
  ['in_progress', 'DC', null, update('discontinued', 'discontinued', false) as OrderDecision],
  ['new', 'OD', null, update('discontinued', 'discontinued', false) as OrderDecision],
  ['cancelled', 'DC', null, update('cancelled', 'no_change', false) as OrderDecision],
  // SC: status from ORC-5.
  [undefined, 'SC', 'SC', notFound],
  ['new', 'SC', 'SC', update('scheduled', 'status_changed', true) as OrderDecision],
  ['scheduled', 'SC', 'IP', update('in_progress', 'status_changed', true) as OrderDecision],
  ['in_progress', 'SC', 'CM', update('completed', 'status_changed', true) as OrderDecision],
  ['scheduled', 'SC', 'HD', update('held', 'status_changed', true) as OrderDecision],
  ['scheduled', 'SC', 'SC', update('scheduled', 'no_change', true) as OrderDecision],
  ['scheduled', 'SC', 'CA', update('cancelled', 'cancelled', false) as OrderDecision],
  ['scheduled', 'SC', 'DC', update('discontinued', 'discontinued', false) as OrderDecision],
  ['cancelled', 'SC', 'CA', update('cancelled', 'no_change', false) as OrderDecision],
  ['cancelled', 'SC', 'IP', invalid],
  ['new', 'SC', null, invalid],
];

describe('decideOrderControl', () => {
  it.each(CASES)('%s + %s (ORC-5 %s)', (current, control, statusCode, expected) => {
    expect(decideOrderControl(current, control, statusCode, true)).toEqual(expected);
  });

  it('does not rewrite order fields on SC without order detail', () => {
    expect(decideOrderControl('new', 'SC', 'IP', false)).toEqual(update('in_progress', 'status_changed', false));
  });
});
