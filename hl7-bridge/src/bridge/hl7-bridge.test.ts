// The bridge's lifecycle: start, stop, start again on the same database; no double start; a
// failed start (port taken) leaves it stopped and startable.

import { afterEach, describe, expect, it } from 'vitest';
import { isHl7Error } from '../hl7-errors.ts';
import { ackFields, latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import { createTestDatabase, sendAndWait, testConfig, type TestDatabase } from '../testing/hl7-test-support.ts';
import { Hl7Bridge } from './hl7-bridge.ts';

let database: TestDatabase;
const bridges: Hl7Bridge[] = [];

afterEach(async () => {
  for (const bridge of bridges.splice(0)) await bridge.stop();
  await database.cleanup();
});

function bridge(port = 0): Hl7Bridge {
  const created = new Hl7Bridge({ db: database.db, config: testConfig({ port }) });
  bridges.push(created);
  return created;
}

describe('Hl7Bridge', () => {
  it('starts, stops and starts again, keeping what it stored', async () => {
    database = await createTestDatabase();
    const first = bridge();
    const { port } = await first.start();
    expect(first.address).toEqual({ host: '127.0.0.1', port });
    await expect(first.start()).rejects.toSatisfy((error) => isHl7Error(error) && error.code === 'invalid_state');
    const message = latin1(ormMessage({ controlId: 'L1', placer: 'P1', patient: { mrn: 'M1' } }));
    const [ack] = await sendAndWait(port, [message]);
    await first.stop();
    await first.stop();

    const { port: secondPort } = await first.start();
    const [replayed] = await sendAndWait(secondPort, [message]);
    expect(ackFields(replayed ?? Buffer.alloc(0)).code).toBe('AA');
    expect(replayed?.equals(ack ?? Buffer.alloc(0))).toBe(true);
  });

  it('stays stopped and startable when its port is taken', async () => {
    database = await createTestDatabase();
    const holder = bridge();
    const { port } = await holder.start();
    const blocked = bridge(port);
    await expect(blocked.start()).rejects.toThrow();
    await holder.stop();
    await expect(blocked.start()).resolves.toEqual({ host: '127.0.0.1', port });
  });
});
