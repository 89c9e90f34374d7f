// The viewer's DICOMweb proxy against a real staging Orthanc (1.10.1, DICOMweb plugin 1.7) and a
// real sidecar (in this process, so its memory can be watched while a series streams through).
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../plugin-server/src/domain/roles.ts';
import { makeUid, syntheticInstance, type SyntheticInstanceOptions } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { catchUpChanges, servicesOf, startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PROXY = '/viewer/dicom-web';
const BIG_SERIES_INSTANCES = 300;

type DicomJson = Record<string, { vr?: string; Value?: unknown[]; BulkDataURI?: string }>;

interface UploadedStudy {
  study: string;
  series: string;
  instances: string[];
  sizes: number[];
}

describe('DICOMweb proxy for the viewer', () => {
  let stack: TestStack;
  let visible: UploadedStudy;
  let purged: UploadedStudy;
  let unknown: UploadedStudy;
  let big: UploadedStudy;

  async function upload(count: number, options: SyntheticInstanceOptions): Promise<UploadedStudy> {
    const rest = orthancRest(stack.orthanc);
    const study = makeUid();
    const series = makeUid();
    const uploaded: UploadedStudy = { study, series, instances: [], sizes: [] };
    let next = 0;
    // A few uploads at once; each instance is generated, sent and dropped (the big series is 150+ MB).
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < count) {
          const sliceIndex = next++;
          const instance = syntheticInstance({
            ...options,
            studyInstanceUID: study,
            seriesInstanceUID: series,
            sliceIndex,
          });
          const result = await rest.call('POST', '/instances', new Uint8Array(instance.bytes));
          if (result.status !== 200) throw new Error(`upload failed: ${result.status}`);
          uploaded.instances.push(instance.SOPInstanceUID);
          uploaded.sizes.push(instance.bytes.length);
        }
      }),
    );
    return uploaded;
  }

  const db = () => servicesOf(stack).db;

  /** Logs a new user in and returns the session cookie. */
  async function cookieFor(roles: Role[]): Promise<{ cookie: string; userId: string }> {
    const { username, password } = await createUser(stack.sidecar, roles);
    const response = await fetch(`${stack.sidecar.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const user = await db().selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    return { cookie, userId: user.id };
  }

  function get(path: string, cookie: string | undefined, headers: Record<string, string> = {}) {
    return fetch(`${stack.sidecar.url}${path}`, {
      headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) },
    });
  }

  /** A GET whose path goes on the wire exactly as written. */
  function rawStatus(path: string, cookie: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(`${stack.sidecar.url}/`, { path, headers: { cookie } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  async function json<T = DicomJson[]>(path: string, cookie: string): Promise<T> {
    const response = await get(path, cookie);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  async function auditRows(eventName: string, userId?: string) {
    let query = db().selectFrom('audit_events').selectAll().where('event_name', '=', eventName);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return query.orderBy('seq').execute();
  }

  const studyUid = (result: DicomJson) => result['0020000D']?.Value?.[0];

  beforeAll(async () => {
    stack = await startStack();
    visible = await upload(3, {
      rows: 64,
      columns: 64,
      studyDescription: 'VISIBLE CT',
      patient: { name: 'Visible^Vera' },
    });
    purged = await upload(2, {
      rows: 64,
      columns: 64,
      studyDescription: 'PURGED CT',
      patient: { name: 'Purged^Paul' },
    });
    // 300 slices of 512 x 512 x 16 bits: a realistic CT series of about 160 MB.
    big = await upload(BIG_SERIES_INSTANCES, { rows: 512, columns: 512, studyDescription: 'BIG CT' });
    await catchUpChanges(stack);
    // Removed from staging by retention as far as the sidecar knows, but still in Orthanc.
    await db().updateTable('studies').set({ state: 'purged' }).where('study_instance_uid', '=', purged.study).execute();
    // Stored in Orthanc around the sidecar: no row at all.
    unknown = await upload(1, { rows: 64, columns: 64, studyDescription: 'UNKNOWN CT' });
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('refuses requests without a session (401), writes (405), and the front desk (403, audited)', async () => {
    for (const path of [`${PROXY}/studies`, `${PROXY}/studies/${visible.study}/series/${visible.series}/metadata`]) {
      const response = await get(path, undefined);
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
      expect((await get(path, 'outside_session=forged')).status).toBe(401);
    }

    const physician = await cookieFor(['physician']);
    const post = await fetch(`${stack.sidecar.url}${PROXY}/studies`, {
      method: 'POST',
      headers: { cookie: physician.cookie, 'content-type': 'application/dicom' },
      body: 'x',
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');

    const frontDesk = await cookieFor(['frontdesk']);
    for (const path of [
      `${PROXY}/studies`,
      `${PROXY}/studies/${visible.study}/series/${visible.series}`,
      `${PROXY}/studies/${visible.study}/series/${visible.series}/metadata`,
    ]) {
      const response = await get(path, frontDesk.cookie);
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    // One alert for the refused viewer, not one per request (OHIF would send hundreds).
    const alerts = await auditRows('securityAlert', frontDesk.userId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.outcome).toBe(4);
    expect(JSON.parse(alerts[0]?.details ?? '{}')).toMatchObject({ reason: 'role not allowed' });
  });

  it('lists only visible studies, with their state in the description and includefield=a%2Cb honoured', async () => {
    const { cookie } = await cookieFor(['physician']);
    // What OHIF's study list sends.
    const studies = await json(
      `${PROXY}/studies?limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060`,
      cookie,
    );
    const byUid = new Map(studies.map((result) => [studyUid(result), result]));
    expect([...byUid.keys()].sort()).toEqual([visible.study, big.study].sort());
    const states = await db().selectFrom('studies').select(['study_instance_uid', 'state']).execute();
    const stateOf = (uid: string) => states.find((row) => row.study_instance_uid === uid)?.state;
    // The description is Orthanc's (so includefield reached it) behind the sidecar's state.
    expect(byUid.get(visible.study)?.['00081030']?.Value).toEqual([`[${stateOf(visible.study)}] VISIBLE CT`]);
    expect(byUid.get(big.study)?.['00081030']?.Value).toEqual([`[${stateOf(big.study)}] BIG CT`]);
    // Retrieve URLs point at the proxy, not at Orthanc.
    expect(byUid.get(visible.study)?.['00081190']?.Value).toEqual([`${PROXY}/studies/${visible.study}`]);
    expect(JSON.stringify(studies)).not.toContain(stack.orthanc.httpUrl);

    // Without the fix Orthanc would ignore the whole includefield value.
    const orthanc = orthancRest(stack.orthanc);
    const direct = (
      await orthanc.call('GET', `/dicom-web/studies?StudyInstanceUID=${visible.study}&includefield=00081030%2C00080060`)
    ).json as DicomJson[];
    expect(direct[0]?.['00081030']).toBeUndefined();

    // Asking for a hidden study by UID, or across series and instances, finds nothing hidden.
    for (const uid of [purged.study, unknown.study]) {
      expect(await json(`${PROXY}/studies?StudyInstanceUID=${uid}`, cookie)).toEqual([]);
    }
    const series = await json(`${PROXY}/series`, cookie);
    expect(new Set(series.map(studyUid))).toEqual(new Set([visible.study, big.study]));
    const instances = await json(`${PROXY}/instances?limit=1000`, cookie);
    expect(instances.length).toBe(3 + BIG_SERIES_INSTANCES);
    expect(instances.some((result) => [purged.study, unknown.study].includes(String(studyUid(result))))).toBe(false);
  });

  it('answers 403 for any resource of a study the sidecar does not show, whether Orthanc has it or not', async () => {
    const { cookie, userId } = await cookieFor(['radiology']);
    const nonexistent = makeUid();
    const paths = [purged, unknown].flatMap(({ study, series, instances }) => [
      `${PROXY}/studies/${study}`,
      `${PROXY}/studies/${study}/series`,
      `${PROXY}/studies/${study}/metadata`,
      `${PROXY}/studies/${study}/series/${series}/metadata`,
      `${PROXY}/studies/${study}/series/${series}`,
      `${PROXY}/studies/${study}/series/${series}/instances/${instances[0]}/frames/1`,
    ]);
    paths.push(`${PROXY}/studies/${nonexistent}/series`, `${PROXY}/studies/${nonexistent}/series/1.2/metadata`);
    for (const path of paths) {
      const response = await get(path, cookie);
      expect(response.status, path).toBe(403);
      expect(await response.json()).toEqual({
        error: { code: 'forbidden', message: 'this study is not available to you' },
      });
    }
    // One alert per study asked for (three here), however many of its resources were.
    const alerts = await auditRows('securityAlert', userId);
    expect(
      alerts.map((alert) => (JSON.parse(alert.details ?? '{}') as { studyInstanceUid: string }).studyInstanceUid),
    ).toEqual([purged.study, unknown.study, nonexistent]);
    expect(JSON.parse(alerts[0]?.details ?? '{}')).toEqual({
      reason: 'study not visible',
      via: 'viewer',
      studyInstanceUid: purged.study,
    });
    // A visible study's path does not reach into another study through query keys.
    const crossed = await json(`${PROXY}/studies/${visible.study}/series?StudyInstanceUID=${purged.study}`, cookie);
    expect(crossed.map(studyUid)).not.toContain(purged.study);
    // Paths outside the DICOMweb grammar never reach Orthanc, `..` included (sent raw: fetch
    // would resolve it before sending).
    for (const path of [
      `${PROXY}/servers`,
      `${PROXY}/studies/${visible.study}/../../../instances`,
      `${PROXY}/studies/${visible.study}/%2E%2E/%2E%2E/%2E%2E/instances`,
      `${PROXY}/studies/..%2F..%2Finstances`,
      `${PROXY}/`,
    ]) {
      expect(await rawStatus(path, cookie), path).toBe(404);
    }
  });

  it('serves metadata whose BulkDataURIs point at the proxy on our origin, and the bulk data behind them', async () => {
    const { cookie } = await cookieFor(['physician']);
    const path = `${PROXY}/studies/${visible.study}/series/${visible.series}/metadata`;
    const response = await get(path, cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/dicom+json');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const text = await response.text();
    expect(text).not.toContain(stack.orthanc.httpUrl);
    expect(text).not.toContain(`:${stack.orthanc.httpPort}`);
    const metadata = JSON.parse(text) as DicomJson[];
    expect(metadata).toHaveLength(3);
    const bulk = metadata.flatMap((instance) =>
      Object.values(instance).flatMap((attribute) =>
        attribute.BulkDataURI === undefined ? [] : [attribute.BulkDataURI],
      ),
    );
    expect(bulk.length).toBeGreaterThanOrEqual(3);
    for (const uri of bulk)
      expect(uri).toMatch(
        new RegExp(`^${PROXY}/studies/${visible.study}/series/${visible.series}/instances/[0-9.]+/bulk/`),
      );
    // XML metadata states each part's length, so its URLs could not be rewritten: refused.
    const xml = await get(path, cookie, { accept: 'multipart/related; type="application/dicom+xml"' });
    expect(xml.status).toBe(406);
    expect(((await xml.json()) as { error: { code: string } }).error.code).toBe('not_acceptable');
    const pixels = await get(bulk[0] ?? '', cookie);
    expect(pixels.status).toBe(200);
    expect(pixels.headers.get('content-type')).toMatch(/^multipart\/related/);
    expect((await pixels.arrayBuffer()).byteLength).toBeGreaterThan(64 * 64 * 2);
  });

  it('streams frames with their multipart boundary and no trace of Orthanc, and answers HEAD', async () => {
    const { cookie } = await cookieFor(['physician']);
    const path = `${PROXY}/studies/${visible.study}/series/${visible.series}/instances/${visible.instances[0]}/frames/1`;
    const accept = 'multipart/related; type=application/octet-stream; transfer-syntax=*';
    const response = await get(path, cookie, { accept });
    expect(response.status).toBe(200);
    const contentType = response.headers.get('content-type') ?? '';
    const boundary = /boundary=([^;]+)/.exec(contentType)?.[1] ?? '';
    expect(boundary).not.toBe('');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.toString('latin1')).toContain(`--${boundary}--`);
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    for (const header of ['server', 'www-authenticate']) expect(response.headers.get(header)).toBeNull();

    const head = await fetch(`${stack.sidecar.url}${path}`, { method: 'HEAD', headers: { cookie, accept } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('audits a study list query by its keys only, and a study opened once per user and study', async () => {
    const first = await cookieFor(['physician']);
    await json(`${PROXY}/studies?PatientName=Visible*&includefield=00081030%2C00080060&limit=25`, first.cookie);
    const queries = await auditRows('query', first.userId);
    expect(queries).toHaveLength(1);
    const visibleRow = await db()
      .selectFrom('studies')
      .select('id')
      .where('study_instance_uid', '=', visible.study)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(queries[0]?.details ?? '{}')).toEqual({
      via: 'viewer',
      level: 'studies',
      returned: 1,
      studyIds: [visibleRow.id],
      keys: ['PatientName', 'includefield', 'limit'],
    });
    expect(queries[0]?.details).not.toContain('Visible');

    // Opening the study: series, metadata, frames, several times over.
    const study = `${PROXY}/studies/${visible.study}`;
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        get(`${study}/series`, first.cookie).then((r) => r.arrayBuffer()),
        get(`${study}/series/${visible.series}/metadata`, first.cookie).then((r) => r.arrayBuffer()),
        ...visible.instances.map((sop) =>
          get(`${study}/series/${visible.series}/instances/${sop}/frames/1`, first.cookie).then((r) => r.arrayBuffer()),
        ),
      ]);
    }
    const second = await cookieFor(['radiology']);
    await (await get(`${study}/series/${visible.series}/metadata`, second.cookie)).arrayBuffer();

    const opened = await db()
      .selectFrom('audit_events')
      .select(['user_id', 'object_type', 'object_id', 'details', 'event_id'])
      .where('event_name', '=', 'instancesAccessed')
      .where('user_id', 'in', [first.userId, second.userId])
      .orderBy('seq')
      .execute();
    expect(opened).toEqual([
      {
        user_id: first.userId,
        object_type: 'study',
        object_id: visibleRow.id,
        details: '{"via":"viewer"}',
        event_id: '110103',
      },
      {
        user_id: second.userId,
        object_type: 'study',
        object_id: visibleRow.id,
        details: '{"via":"viewer"}',
        event_id: '110103',
      },
    ]);
    // The chain still verifies with the proxy's rows in it.
    expect((await stack.sidecar.services?.audit.verify())?.ok).toBe(true);
  });

  it(`streams a ${BIG_SERIES_INSTANCES}-instance multipart series to a slow reader without holding it in memory`, async () => {
    const { cookie } = await cookieFor(['physician']);
    const payload = big.sizes.reduce((sum, size) => sum + size, 0);
    expect(payload).toBeGreaterThan(150 * 1024 * 1024);

    // The viewer is another process (curl), reading at 40 MB/s where the proxy could go ~300 MB/s:
    // only the sidecar (this process) is measured. A proxy that ignored backpressure would pull
    // the rest of the series from Orthanc into its own memory while curl lags behind.
    const folder = await mkdtemp(join(tmpdir(), 'outside-proxy-stream-'));
    const bodyFile = join(folder, 'series.multipart');
    const headerFile = join(folder, 'headers.txt');
    collectGarbage();
    const before = process.memoryUsage();
    const curl = spawn('curl', [
      '--silent',
      '--show-error',
      '--fail',
      '--limit-rate',
      '40M',
      '--header',
      `cookie: ${cookie}`,
      '--header',
      'accept: multipart/related; type="application/dicom"',
      '--dump-header',
      headerFile,
      '--output',
      bodyFile,
      `${stack.sidecar.url}${PROXY}/studies/${big.study}/series/${big.series}`,
    ]);
    const exited = new Promise<number | null>((resolve) => curl.on('close', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    let peakArrayBuffers = 0;
    let peakHeap = 0;
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      collectGarbage();
      const now = process.memoryUsage();
      peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers - before.arrayBuffers);
      peakHeap = Math.max(peakHeap, now.heapUsed - before.heapUsed);
    }
    expect(await exited).toBe(0);
    const headers = await readFile(headerFile, 'latin1');
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    const boundary = /boundary=([^;\r\n]+)/i.exec(headers)?.[1] ?? '';
    const parser = new MultipartCounter(boundary);
    let received = 0;
    for await (const chunk of createReadStream(bodyFile)) {
      const bytes = chunk as Buffer;
      received += bytes.length;
      parser.push(bytes);
    }
    await rm(folder, { recursive: true, force: true });
    const result = parser.finish();
    expect(result.parts).toBe(BIG_SERIES_INSTANCES);
    expect([...result.partSizes].sort((a, b) => a - b)).toEqual([...big.sizes].sort((a, b) => a - b));
    // Every byte is accounted for by the parts and their framing.
    expect(received).toBe(result.framingBytes + payload);
    expect(peakArrayBuffers).toBeLessThan(50 * 1024 * 1024);
    expect(peakHeap).toBeLessThan(50 * 1024 * 1024);
  });

  it('aborts the request to Orthanc when the viewer goes away mid-series', async () => {
    const { cookie } = await cookieFor(['physician']);
    const controller = new AbortController();
    const response = await fetch(`${stack.sidecar.url}${PROXY}/studies/${big.study}/series/${big.series}`, {
      headers: { cookie },
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    // The proxy keeps serving afterwards (no stuck socket, no crash).
    const after = await get(`${PROXY}/studies/${visible.study}/series`, cookie);
    expect(after.status).toBe(200);
  });

  it('answers 502 with a clear message when Orthanc is down', async () => {
    const { cookie } = await cookieFor(['physician']);
    await stack.orthanc.stop();
    for (const path of [`${PROXY}/studies`, `${PROXY}/studies/${visible.study}/series/${visible.series}/metadata`]) {
      const response = await get(path, cookie);
      expect(response.status, path).toBe(502);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('orthanc_error');
      expect(body.error.message).toMatch(/could not be reached/);
      expect(body.error.message).not.toContain(String(stack.orthanc.httpPort));
    }
  });
});

/**
 * Counts the parts of a multipart/related body (RFC 2046 5.1) as it streams, skipping each part's
 * bytes by its Content-Length instead of keeping them.
 */
class MultipartCounter {
  private readonly delimiter: Buffer;
  private state: 'preamble' | 'headers' | 'body' | 'after-body' | 'done' = 'preamble';
  private pending = Buffer.alloc(0);
  private remaining = 0;
  framingBytes = 0;
  readonly partSizes: number[] = [];

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`--${boundary}`);
  }

  push(chunk: Uint8Array): void {
    let data = Buffer.concat([this.pending, Buffer.from(chunk)]);
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, data.length);
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.state = 'after-body';
        continue;
      }
      if (this.state === 'done') throw new Error('bytes after the close delimiter');
      // Delimiter lines and headers: wait until the whole line/block is there.
      const marker = this.state === 'headers' ? '\r\n\r\n' : '\r\n';
      const prefix = this.state === 'after-body' ? 2 : 0;
      const end = data.indexOf(marker, prefix);
      if (end < 0) {
        this.pending = Buffer.from(data);
        return;
      }
      const block = data.subarray(0, end + marker.length);
      this.framingBytes += block.length;
      data = data.subarray(block.length);
      if (this.state === 'headers') {
        const length = /content-length:\s*(\d+)/i.exec(block.toString('latin1'))?.[1];
        if (length === undefined) throw new Error('a part without Content-Length');
        this.remaining = Number(length);
        this.partSizes.push(this.remaining);
        this.state = this.remaining === 0 ? 'after-body' : 'body';
        continue;
      }
      const line = block.subarray(prefix, block.length - 2);
      if (prefix === 2 && block.subarray(0, 2).toString() !== '\r\n') throw new Error('no CRLF after a part');
      if (line.equals(this.delimiter)) this.state = 'headers';
      else if (line.equals(Buffer.concat([this.delimiter, Buffer.from('--')]))) this.state = 'done';
      else throw new Error(`unexpected line ${line.toString('latin1').slice(0, 80)}`);
    }
  }

  finish(): { parts: number; partSizes: number[]; framingBytes: number } {
    if (this.state !== 'done' || this.pending.length > 0) throw new Error(`multipart ended in state ${this.state}`);
    return { parts: this.partSizes.length, partSizes: this.partSizes, framingBytes: this.framingBytes };
  }
}
