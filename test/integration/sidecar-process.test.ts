import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcmdumpValue, pydicomFile } from '../support/pydicom-files.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { spawnSidecar } from '../support/sidecar-process.ts';
import { freePort, startOrthancForTest, waitFor } from '../support/stack.ts';

const FILES = [
  'CT_small.dcm',
  'MR_small.dcm',
  'JPEG2000.dcm',
  'rtplan.dcm',
  'rtdose.dcm',
  'waveform_ecg.dcm',
  'test-SR.dcm',
  'liver_1frame.dcm',
  '693_J2KI.dcm',
  'SC_rgb_rle.dcm',
  'reportsi.dcm',
  'rtstruct.dcm',
];

function readRows(databasePath: string): { uid: string; receivedTransitions: number }[] {
  const db = new SqliteDatabase(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `select s.study_instance_uid as uid,
                (select count(*) from study_transitions t where t.study_id = s.id and t.to_state = 'received') as receivedTransitions
           from studies s`,
      )
      .all() as { uid: string; receivedTransitions: number }[];
  } finally {
    db.close();
  }
}

describe('`outside serve` as a real process', () => {
  let orthanc: RunningOrthanc;
  let dir: string;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
    dir = mkdtempSync(join(tmpdir(), 'outside-process-'));
  });
  afterAll(async () => {
    await orthanc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health checks and stops cleanly on SIGTERM', async () => {
    const sidecar = await spawnSidecar(orthanc, join(dir, 'health.sqlite'), await freePort());
    const ready = await fetch(`${sidecar.url}/readyz`);
    expect(ready.status).toBe(200);
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  });

  it('loses and duplicates no study when killed with SIGKILL while following changes', async () => {
    const databasePath = join(dir, 'kill.sqlite');
    const rest = orthancRest(orthanc);
    for (const name of FILES) await rest.upload(pydicomFile(name));
    const expected = new Set(FILES.map((name) => dcmdumpValue(pydicomFile(name), '0020,000D')));
    const slow = { OUTSIDE_CHANGES_BATCH_SIZE: '1', OUTSIDE_CHANGES_POLL_INTERVAL_MS: '50' };

    const first = await spawnSidecar(orthanc, databasePath, await freePort(), slow);
    await waitFor('the first study row', async () => (readRows(databasePath).length > 0 ? true : undefined));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnSidecar(orthanc, databasePath, await freePort(), slow);
    const rows = await waitFor('every study', async () => {
      const current = readRows(databasePath);
      return current.length >= expected.size ? current : undefined;
    });
    second.child.kill('SIGTERM');
    await second.exited;
    expect(new Set(rows.map((row) => row.uid))).toEqual(expected);
    expect(rows).toHaveLength(expected.size);
    expect(rows.every((row) => row.receivedTransitions === 1)).toBe(true);
  });
});
