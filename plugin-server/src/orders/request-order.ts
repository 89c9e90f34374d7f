import type { Hl7Bridge } from '@outside/hl7-bridge';
import { enqueueOrderRequest, isHl7Error, orderRequestInputSchema, type OrderRequestInput } from '@outside/hl7-bridge';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';

/** The bridge's own errors, mapped onto the domain error the HTTP layer knows. */
export async function bridgeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isHl7Error(error)) {
      const code =
        error.code === 'not_found' ? 'not_found' : error.code === 'invalid_state' ? 'conflict' : 'invalid_input';
      throw new DomainError(code, error.message);
    }
    throw error;
  }
}

/**
 * Queues an order request (ORM^O01 NW) in the bridge's durable outbox. With the listener turned off
 * the outbox row is still written, so a later start sends it.
 */
export async function requestOrder(
  deps: { db: Kysely<Database>; config: Config; hl7: Hl7Bridge | undefined },
  input: OrderRequestInput,
) {
  const parsed = orderRequestInputSchema.parse(input);
  return bridgeCall(() =>
    deps.hl7 === undefined
      ? enqueueOrderRequest(deps.db, deps.config.hl7, parsed)
      : deps.hl7.enqueueOrderRequest(parsed),
  );
}
