import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config-loader.ts';
import { importSocketPath, locateImportSocket } from './config-sources.ts';

const folder = mkdtempSync(join(tmpdir(), 'outside-config-sources-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function configFile(name: string, contents: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(contents));
  return path;
}

describe('locateImportSocket', () => {
  // `outside import` finds the sidecar without the validating schema: it must land exactly where
  // the validated configuration puts the socket, for every way the two settings can be given.
  const cases: [string, { file?: string; env: NodeJS.ProcessEnv }][] = [
    ['defaults', { env: {} }],
    ['database in the environment', { env: { OUTSIDE_DATABASE_SQLITE_PATH: '/srv/outside/db.sqlite' } }],
    ['relative database path', { env: { OUTSIDE_DATABASE_SQLITE_PATH: 'data/x.sqlite' } }],
    ['socket switched off', { env: { OUTSIDE_IMPORT_CONTROL_SOCKET: 'off' } }],
    ['socket named', { env: { OUTSIDE_IMPORT_CONTROL_SOCKET: '/run/outside/import.sock' } }],
    ['in-memory database', { env: { OUTSIDE_DATABASE_SQLITE_PATH: ':memory:' } }],
    [
      'both in a file',
      {
        file: configFile('both.json', {
          database: { sqlitePath: '/var/lib/outside/o.sqlite' },
          import: { controlSocket: '/run/o.sock' },
        }),
        env: {},
      },
    ],
    [
      'file named by OUTSIDE_CONFIG, environment on top',
      {
        env: {
          OUTSIDE_CONFIG: configFile('env-file.json', { database: { sqlitePath: '/a/b.sqlite' } }),
          OUTSIDE_DATABASE_SQLITE_PATH: '/c/d.sqlite',
        },
      },
    ],
  ];

  it.each(cases)('agrees with the validated configuration: %s', (_name, sources) => {
    const config = loadConfig({ ...(sources.file === undefined ? {} : { file: sources.file }), env: sources.env });
    expect(locateImportSocket(sources)).toBe(importSocketPath(config));
  });

  it("finds the checkout's sidecar from any working directory", () => {
    const checkoutSocket = join(import.meta.dirname, '..', '..', '..', '.data', 'import.sock');
    const before = process.cwd();
    process.chdir(folder);
    try {
      expect(locateImportSocket({ env: {} })).toBe(resolve(checkoutSocket));
      expect(importSocketPath(loadConfig({ env: {} }))).toBe(resolve(checkoutSocket));
    } finally {
      process.chdir(before);
    }
  });

  it('places the socket beside the database by default', () => {
    expect(locateImportSocket({ env: { OUTSIDE_DATABASE_SQLITE_PATH: '/srv/o/db.sqlite' } })).toBe(
      resolve('/srv/o/import.sock'),
    );
  });

  it('gives no socket for a value of the wrong kind, leaving the error to the full loader', () => {
    const file = configFile('bad.json', { import: { controlSocket: 42 } });
    expect(locateImportSocket({ file, env: {} })).toBeUndefined();
    expect(() => loadConfig({ file, env: {} })).toThrow(/import\.controlSocket/);
  });

  it('says clearly when the configuration file cannot be read', () => {
    expect(() => locateImportSocket({ file: join(folder, 'missing.json'), env: {} })).toThrow(
      /cannot read configuration file/,
    );
  });
});
