// The upload orchestration against a mocked resource module (the sidecar's answers), not fetch.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../api/api-client.ts';
import type { ImportSession, MediaFile } from './imports.resource.ts';
import * as resource from './imports.resource.ts';
import { runImport } from './run-import.ts';

vi.mock('./imports.resource.ts', () => ({
  createImport: vi.fn(),
  uploadFiles: vi.fn(),
  uploadZip: vi.fn(),
  finishImport: vi.fn(),
}));

const mocked = vi.mocked(resource);

const SESSION = { id: 'imp-1' } as ImportSession;

function files(count: number): MediaFile[] {
  return Array.from({ length: count }, (_, index) => ({
    path: `CD/IM${String(index).padStart(3, '0')}`,
    file: new File([new Uint8Array(10)], `IM${index}`),
  }));
}

function api(): ApiClient {
  const client = new ApiClient();
  client.setCsrfToken('token');
  return client;
}

const callbacks = () => ({ onPhase: vi.fn(), onProgress: vi.fn() });

beforeEach(() => {
  vi.resetAllMocks();
  mocked.createImport.mockResolvedValue(SESSION);
  mocked.finishImport.mockResolvedValue({ ...SESSION, state: 'finished' } as ImportSession);
});

describe('runImport', () => {
  it('sends every file once, in batches with at most three in flight, then finishes the import', async () => {
    let inFlight = 0;
    let most = 0;
    mocked.uploadFiles.mockImplementation(async (_api, _id, batch, options) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      options?.onProgress?.(5, 10);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { received: batch.length, outcomes: batch.map(({ path }) => ({ path, outcome: 'stored' })) };
    });
    const events = callbacks();
    const result = await runImport(
      api(),
      { department: 'radiology', sourceLabel: 'CD' },
      { kind: 'files', files: files(100) },
      events,
      new AbortController().signal,
    );
    expect(mocked.uploadFiles).toHaveBeenCalledTimes(4);
    expect(most).toBe(3);
    expect(result.outcomes.map(({ path }) => path).sort()).toEqual(files(100).map(({ path }) => path));
    expect(result.error).toBeUndefined();
    expect(result.session?.state).toBe('finished');
    expect(events.onPhase.mock.calls.map(([phase]) => phase)).toEqual(['creating', 'uploading', 'finishing']);
    const last = events.onProgress.mock.calls.at(-1)?.[0];
    expect(last).toMatchObject({ fraction: 1, filesDone: 100, filesTotal: 100 });
  });

  it('stops taking batches after a refusal, still finishes the import, and reports why', async () => {
    mocked.uploadFiles.mockImplementation(async (_api, _id, batch) => {
      if (batch[0]?.path === 'CD/IM032')
        throw new ApiError(413, 'payload_too_large', 'the import exceeds its total size limit');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { received: batch.length, outcomes: [] };
    });
    const result = await runImport(
      api(),
      { department: 'radiology', sourceLabel: 'CD' },
      { kind: 'files', files: files(320) },
      callbacks(),
      new AbortController().signal,
    );
    expect(result.error).toBe('the import exceeds its total size limit');
    expect(mocked.uploadFiles.mock.calls.length).toBeLessThan(10);
    expect(mocked.finishImport).toHaveBeenCalledTimes(1);
    expect(result.session).toBeDefined();
  });

  it('repeats a batch after a network failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      mocked.uploadFiles
        .mockRejectedValueOnce(new ApiError(0, 'network_error', 'interrupted'))
        .mockResolvedValue({ received: 1, outcomes: [] });
      const running = runImport(
        api(),
        { department: 'radiology', sourceLabel: 'CD' },
        { kind: 'files', files: files(1) },
        callbacks(),
        new AbortController().signal,
      );
      await vi.runAllTimersAsync();
      const result = await running;
      expect(mocked.uploadFiles).toHaveBeenCalledTimes(2);
      expect(result.error).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends a zip as one request', async () => {
    mocked.uploadZip.mockResolvedValue({ received: 3, outcomes: [{ path: 'a', outcome: 'stored' }] });
    const zip = new File([new Uint8Array(100)], 'cd.zip', { type: 'application/zip' });
    const result = await runImport(
      api(),
      { department: 'radiology', sourceLabel: 'cd' },
      { kind: 'zip', file: zip },
      callbacks(),
      new AbortController().signal,
    );
    expect(mocked.uploadZip).toHaveBeenCalledWith(expect.anything(), 'imp-1', zip, expect.anything());
    expect(result.outcomes).toHaveLength(1);
  });

  it('finishes a cancelled upload so the report shows what was stored', async () => {
    const controller = new AbortController();
    mocked.uploadFiles.mockImplementation(async (_api, _id, batch) => {
      controller.abort();
      return { received: batch.length, outcomes: [] };
    });
    const result = await runImport(
      api(),
      { department: 'radiology', sourceLabel: 'CD' },
      { kind: 'files', files: files(200) },
      callbacks(),
      controller.signal,
    );
    expect(result.cancelled).toBe(true);
    expect(result.error).toBe('the upload was cancelled');
    expect(mocked.uploadFiles.mock.calls.length).toBeLessThanOrEqual(3);
    expect(mocked.finishImport).toHaveBeenCalledTimes(1);
  });

  it('does not try to finish once the session is gone (401)', async () => {
    const client = api();
    mocked.uploadFiles.mockImplementation(async () => {
      client.notifyUnauthorized();
      throw new ApiError(401, 'unauthenticated', 'log in first');
    });
    const result = await runImport(
      client,
      { department: 'radiology', sourceLabel: 'CD' },
      { kind: 'files', files: files(1) },
      callbacks(),
      new AbortController().signal,
    );
    expect(result.session).toBeUndefined();
    expect(mocked.finishImport).not.toHaveBeenCalled();
  });
});
