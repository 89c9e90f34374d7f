import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../config/config-schema.ts';
import { EMPTY_COUNTS } from '../domain/import-session.ts';
import { createLogger } from '../logger.ts';
import type { Importer } from './importer.ts';
import { listenImportSocket } from './import-control-socket.ts';
import { importThroughSocket } from './import-socket-client.ts';
import type { MediaImportReport } from './media-import-protocol.ts';

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

  it('refuses a birth date that is not YYYYMMDD, naming the field', async () => {
    const path = join(folder, 'import.sock');
    const socket = await listenImportSocket(path, deps, log);
    try {
      await expect(importThroughSocket(path, { ...request, birthDate: '1970-01-01' }, () => undefined)).rejects.toThrow(
        /bad import request: birthDate: birth date as YYYYMMDD/,
      );
    } finally {
      await socket.close();
    }
  });

  describe("the command's side", () => {
    const counts = { ...EMPTY_COUNTS, files: 1, stored: 1, bytes: 10 };
    const progress = (filesDone: number) => ({
      filesDone,
      filesTotal: 2,
      bytesDone: 5 * filesDone,
      bytesTotal: 10,
      counts,
    });

    const report: MediaImportReport = {
      session: {
        id: 'import-1',
        createdAt: '2026-11-29T08:00:00.000Z',
        finishedAt: '2026-11-29T08:00:02.000Z',
        createdBy: { id: null, username: 'cli:test' },
        department: 'radiology',
        sourceLabel: 'cd',
        sourceKind: 'folder',
        patient: { mrn: null, name: null, birthDate: null },
        state: 'finished',
        counts,
        studies: [],
        warnings: [],
      },
      sourceLabel: 'cd',
      seconds: 2,
      mediaIndex: null,
      problems: [],
      problemCount: 0,
    };

    /** A stand-in sidecar that answers every request at once with `lines`, then hangs up. */
    async function answering(lines: string[]): Promise<{ path: string; close(): Promise<void> }> {
      const path = join(folder, 'fake.sock');
      const server = createServer((connection) => {
        connection.once('data', () => connection.end(lines.map((line) => `${line}\n`).join('')));
      });
      await new Promise<void>((resolve) => server.listen(path, resolve));
      return { path, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }

    it('passes on progress in order and resolves with the report, even when all of it arrives at once', async () => {
      const sidecar = await answering([
        JSON.stringify({ type: 'progress', progress: progress(1) }),
        JSON.stringify({ type: 'progress', progress: progress(2) }),
        JSON.stringify({ type: 'report', report }),
      ]);
      try {
        const seen: number[] = [];
        const answer = await importThroughSocket(sidecar.path, request, (p) => seen.push(p.filesDone));
        expect(seen).toEqual([1, 2]);
        expect(answer?.session.id).toBe(report.session.id);
      } finally {
        await sidecar.close();
      }
    });

    it('fails clearly on an answer it does not understand, and on a hang-up without a report', async () => {
      const garbled = await answering(['{"type":"progress"}']);
      try {
        await expect(importThroughSocket(garbled.path, request, () => undefined)).rejects.toThrow(
          /answered something unexpected/,
        );
      } finally {
        await garbled.close();
      }
      const silent = await answering([]);
      try {
        await expect(importThroughSocket(silent.path, request, () => undefined)).rejects.toThrow(
          /closed the import socket without a report/,
        );
      } finally {
        await silent.close();
      }
    });
  });
});
