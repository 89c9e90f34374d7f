import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../config/config-schema.ts';
import { createLogger } from '../logger.ts';
import type { Importer } from './importer.ts';
import { listenImportSocket } from './import-control-socket.ts';
import { importThroughSocket } from './import-socket-client.ts';

// The socket's own behaviour; an import through it against a real Orthanc is in
// test/integration/media-import.test.ts.

const deps = { importer: {} as Importer, config: {} as Config['import'] };
const log = createLogger('silent');
const request = { path: '/nowhere', department: 'radiology', operator: 'cli:test' };

describe('the import control socket', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'outside-socket-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is owner-only, refuses a second sidecar on the same path, and replaces a stale file', async () => {
    const path = join(folder, 'import.sock');
    await writeFile(path, 'left by a crash');
    const socket = await listenImportSocket(path, deps, log);
    try {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      await expect(listenImportSocket(path, deps, log)).rejects.toThrow(/another sidecar already listens/);
    } finally {
      await socket.close();
    }
  });

  it('lets the command import by itself when no sidecar listens', async () => {
    expect(await importThroughSocket(join(folder, 'none.sock'), request, () => undefined)).toBeUndefined();
  });

  it('answers a malformed request with an error, not a dropped connection', async () => {
    const path = join(folder, 'import.sock');
    const socket = await listenImportSocket(path, deps, log);
    try {
      await expect(importThroughSocket(path, { ...request, department: '' }, () => undefined)).rejects.toThrow(
        /bad import request/,
      );
    } finally {
      await socket.close();
    }
  });
});
