import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configOptions, loadConfig } from './config-loader.ts';

describe('configuration', () => {
  it('has a default and a description for every option', () => {
    const options = configOptions();
    expect(options.length).toBeGreaterThan(10);
    for (const option of options) {
      expect(option.description, option.path).not.toBe('');
      if (!option.optional) expect(option.defaultValue, option.path).not.toBeUndefined();
    }
  });

  it('maps environment variables onto options by a visible rule', () => {
    const config = loadConfig({
      env: { OUTSIDE_HTTP_PORT: '9999', OUTSIDE_CHANGES_POLL_INTERVAL_MS: '250', OUTSIDE_HTTP_TRUST_PROXY: 'true' },
    });
    expect(config.http.port).toBe(9999);
    expect(config.changes.pollIntervalMs).toBe(250);
    expect(config.http.trustProxy).toBe(true);
    expect(configOptions().find((o) => o.path === 'orthanc.requestTimeoutMs')?.env).toBe(
      'OUTSIDE_ORTHANC_REQUEST_TIMEOUT_MS',
    );
  });

  it('reads a file, with the environment on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outside-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ http: { port: 7000, host: '0.0.0.0' } }));
    const config = loadConfig({ file, env: { OUTSIDE_HTTP_PORT: '7001' } });
    expect(config.http).toMatchObject({ port: 7001, host: '0.0.0.0' });
    rmSync(dir, { recursive: true });
  });

  it.each([
    [{ OUTSIDE_HTTP_PORT: 'eighty' }, /OUTSIDE_HTTP_PORT must be a number/],
    [{ OUTSIDE_HTTP_PORT: '70000' }, /http\.port/],
    [{ OUTSIDE_HTTP_PROT: '80' }, /unknown configuration variable OUTSIDE_HTTP_PROT/],
    [{ OUTSIDE_SESSION_SECURE_COOKIE: 'sometimes' }, /session\.secureCookie/],
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('rejects unknown keys in the file', () => {
    expect(() => loadConfig({ env: {}, overrides: { http: { prot: 1 } } })).toThrow(/http/);
  });
});
