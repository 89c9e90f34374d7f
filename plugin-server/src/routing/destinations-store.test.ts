import { enqueueRouteJob } from './route-jobs-store.ts';
import { dicomDestination, insertStudy } from './routing-fixtures.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import { DomainError } from '../domain/errors.ts';
import type { RouteJobState } from '../domain/routing.ts';
import type { HostLookup } from './destination-host-check.ts';
import { destinationUrlProblem, parseDestinationUrl } from './destination-input.ts';
import { DestinationStore, removeDestination, syncModalities, type ModalityApi } from './destinations-store.ts';

const lookup: HostLookup = async (hostname) => {
  if (hostname === 'pacs.example') return [{ address: '10.0.0.5' }];
  if (hostname === 'vna.example') return [{ address: '10.0.0.9' }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

const radiologyChange = { kind: 'dicom', aet: 'RADPACS', host: '10.0.0.5', port: 104 } as const;
const radiology = { ...radiologyChange, name: 'radiology' } as const;
const vna = {
  kind: 'dicomweb',
  name: 'vna',
  url: 'https://vna.example/dicom-web/',
  username: 'outside',
  password: 'secret-1',
} as const;

/** Records the modality calls; `missing` names answer 404 to a delete, `broken` ones fail. */
class FakeOrthanc implements ModalityApi {
  readonly modalities = new Map<string, { AET: string; Host: string; Port: number }>();
  readonly calls: string[] = [];
  readonly broken = new Set<string>();

  async putModality(name: string, modality: { AET: string; Host: string; Port: number }): Promise<void> {
    this.calls.push(`put ${name}`);
    if (this.broken.has(name)) throw new DomainError('orthanc_unavailable', 'Orthanc could not be reached');
    this.modalities.set(name, modality);
  }

  async deleteModality(name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
    if (this.broken.has(name)) throw new DomainError('orthanc_unavailable', 'Orthanc could not be reached');
    if (!this.modalities.delete(name))
      throw new DomainError('not_found', `Orthanc refused modality ${name} (HTTP 404)`);
  }
}

describe('DestinationStore', () => {
  let database: OpenDatabase;
  let store: DestinationStore;

  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
    store = new DestinationStore(database.db, { allowLoopbackDestinations: false, lookup });
  });
  afterEach(async () => {
    await database.close();
  });

  async function addRouteJob(destinationId: string, state: RouteJobState): Promise<void> {
    const studyId = `study-${state}-${Math.random()}`;
    await insertStudy(database.db, { id: studyId, uid: `1.2.3.${Math.floor(Math.random() * 1e9)}`, state: 'queued' });
    const jobId = await enqueueRouteJob(database.db, studyId, destinationId, 'test');
    if (jobId === undefined) throw new Error('no route job queued');
    await database.db.updateTable('route_jobs').set({ state }).where('id', '=', jobId).execute();
  }

  it('creates, lists, gets and finds by name; never returns the password', async () => {
    const dicom = await store.create(radiology);
    expect(dicom).toMatchObject(dicomDestination('radiology'));
    const web = await store.create(vna);
    expect(web).toMatchObject({
      kind: 'dicomweb',
      url: 'https://vna.example/dicom-web',
      host: 'vna.example',
      port: 443,
      username: 'outside',
      hasPassword: true,
    });
    expect(JSON.stringify(await store.list())).not.toContain('secret-1');
    expect((await store.list()).map((destination) => destination.name)).toEqual(['radiology', 'vna']);
    expect(await store.get(web.id)).toEqual(web);
    expect(await store.byName('radiology')).toEqual(dicom);
    expect(await store.byName('nothing')).toBeUndefined();
    expect(await store.password(web.id)).toBe('secret-1');
    await expect(store.get('nothing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a second destination of the same name, bad fields and refused hosts', async () => {
    await store.create(radiology);
    await expect(store.create({ ...radiology, host: '10.0.0.6' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'a destination named radiology already exists',
    });
    await expect(store.create({ ...radiology, name: 'bad name' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(store.create({ ...radiology, name: 'x', aet: 'A\\B' })).rejects.toThrow(
      /destination\.aet: .*backslash/,
    );
    await expect(store.create({ ...radiology, name: 'x', aet: 'SEVENTEEN-CHARS-X' })).rejects.toThrow(/16/);
    await expect(store.create({ ...radiology, name: 'x', port: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    // DICOM has no password: a body carrying one is refused, not silently half-used.
    await expect(store.create({ ...radiology, name: 'x', password: 'p' } as never)).rejects.toThrow(/password/);
    await expect(store.create({ ...radiology, name: 'x', host: '127.0.0.1' })).rejects.toThrow(/loopback/);
    await expect(store.create({ ...radiology, name: 'x', host: 'localhost' })).rejects.toThrow(/loopback name/);
    await expect(store.create({ ...radiology, name: 'x', host: 'nowhere.example' })).rejects.toThrow(/ENOTFOUND/);
    await expect(store.create({ ...vna, name: 'y', url: 'http://169.254.169.254/latest' })).rejects.toThrow(
      /cloud metadata/,
    );
    await expect(store.create({ ...vna, name: 'y', url: 'https://u:p@vna.example/' })).rejects.toThrow(
      /not in the URL/,
    );
    expect((await store.list()).length).toBe(1);
  });

  it('allows a loopback host when the configuration says so', async () => {
    const local = new DestinationStore(database.db, { allowLoopbackDestinations: true, lookup });
    expect((await local.create({ ...radiology, host: '127.0.0.1' })).host).toBe('127.0.0.1');
  });

  it('updates every setting but the name, keeping or removing the password as asked', async () => {
    const created = await store.create(vna);
    const kept = await store.update(created.id, { kind: 'dicomweb', url: 'https://vna.example/rs', concurrency: 4 });
    expect(kept).toMatchObject({ name: 'vna', url: 'https://vna.example/rs', concurrency: 4, hasPassword: true });
    expect(kept.username).toBeNull();
    expect(await store.password(created.id)).toBe('secret-1');
    await store.update(created.id, { kind: 'dicomweb', url: 'https://vna.example/rs', password: 'secret-2' });
    expect(await store.password(created.id)).toBe('secret-2');
    const removed = await store.update(created.id, { kind: 'dicomweb', url: 'https://vna.example/rs', password: null });
    expect(removed.hasPassword).toBe(false);
    const dicom = await store.update(created.id, { kind: 'dicom', aet: ' VNA ', host: 'vna.example', port: 11112 });
    expect(dicom).toMatchObject({ kind: 'dicom', aet: 'VNA', url: null, username: null, hasPassword: false });
    expect(dicom.createdAt).toBe(created.createdAt);
    await expect(store.update(created.id, { ...radiology } as never)).rejects.toThrow(/name/);
    await expect(store.update('nothing', radiologyChange)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lets a destination be disabled while its host does not resolve, but not enabled', async () => {
    const created = await store.create({ ...radiology, host: 'pacs.example' });
    const broken = new DestinationStore(database.db, {
      allowLoopbackDestinations: false,
      lookup: async () => Promise.reject(Object.assign(new Error('down'), { code: 'EAI_AGAIN' })),
    });
    const change = { kind: 'dicom', aet: 'RADPACS', host: 'pacs.example', port: 104 } as const;
    expect((await broken.update(created.id, { ...change, enabled: false })).enabled).toBe(false);
    await expect(broken.update(created.id, { ...change, enabled: true })).rejects.toThrow(/EAI_AGAIN/);
  });

  it('refuses to delete a destination with route jobs or rules (409), deletes it otherwise', async () => {
    const busy = await store.create(radiology);
    await addRouteJob(busy.id, 'verified');
    await addRouteJob(busy.id, 'retry_wait');
    await addRouteJob(busy.id, 'dead');
    await expect(store.delete(busy.id)).rejects.toMatchObject({
      code: 'conflict',
      message: '2 route job(s) to radiology are not finished; let them finish or cancel them first',
    });
    const done = await store.create({ ...radiology, name: 'done' });
    await addRouteJob(done.id, 'verified');
    await addRouteJob(done.id, 'cancelled');
    await expect(store.delete(done.id)).rejects.toThrow(/delivery history of 2 route job\(s\).*disable it instead/);

    const ruled = await store.create({ ...radiology, name: 'cardiology' });
    await database.db
      .insertInto('routing_rules')
      .values({
        id: 'r1',
        position: 1,
        name: 'Cardiology',
        match: '{}',
        destinations: JSON.stringify(['cardiology']),
        is_default: 0,
        enabled: 1,
        updated_at: new Date().toISOString(),
      })
      .execute();
    await expect(store.delete(ruled.id)).rejects.toThrow(/routing rule\(s\) "Cardiology" send to cardiology/);

    const idle = await store.create({ ...radiology, name: 'idle' });
    expect((await store.delete(idle.id)).name).toBe('idle');
    expect(await store.byName('idle')).toBeUndefined();
    await expect(store.delete(idle.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  describe('syncModalities', () => {
    it('puts enabled DICOM destinations and deletes the modality of the others, touching nothing else', async () => {
      const orthanc = new FakeOrthanc();
      orthanc.modalities.set('hand-made', { AET: 'OTHER', Host: '10.9.9.9', Port: 104 });
      const a = await store.create(radiology);
      await store.create({ ...radiology, name: 'off', enabled: false });
      await store.create(vna);
      expect(await syncModalities(orthanc, store)).toEqual({ pushed: ['radiology'], removed: [], failures: [] });
      expect(orthanc.modalities.get('radiology')).toEqual({ AET: 'RADPACS', Host: '10.0.0.5', Port: 104 });

      await store.update(a.id, { ...radiologyChange, enabled: false });
      expect(await syncModalities(orthanc, store)).toEqual({ pushed: [], removed: ['radiology'], failures: [] });
      expect([...orthanc.modalities.keys()]).toEqual(['hand-made']);
      expect(orthanc.calls.some((call) => call.endsWith('hand-made'))).toBe(false);
    });

    it('reports a failing destination and still syncs the others', async () => {
      const orthanc = new FakeOrthanc();
      await store.create(radiology);
      await store.create({ ...radiology, name: 'second' });
      orthanc.broken.add('radiology');
      const report = await syncModalities(orthanc, store);
      expect(report.pushed).toEqual(['second']);
      expect(report.failures).toEqual([{ name: 'radiology', message: 'Orthanc could not be reached' }]);
    });

    it('runs syncs one after the other, so the last change wins', async () => {
      const orthanc = new FakeOrthanc();
      const created = await store.create(radiology);
      const first = syncModalities(orthanc, store);
      const second = syncModalities(orthanc, store);
      await Promise.all([first, second]);
      expect(orthanc.calls).toEqual(['put radiology', 'put radiology']);
      await store.update(created.id, { ...radiologyChange, enabled: false });
      await syncModalities(orthanc, store);
      expect(orthanc.modalities.size).toBe(0);
    });
  });

  describe('removeDestination', () => {
    it('removes the modality first, then the row', async () => {
      const orthanc = new FakeOrthanc();
      const created = await store.create(radiology);
      await syncModalities(orthanc, store);
      expect((await removeDestination(orthanc, store, created.id)).name).toBe('radiology');
      expect(orthanc.modalities.size).toBe(0);
      expect(await store.list()).toEqual([]);
    });

    it('keeps the row when Orthanc cannot be reached, and touches nothing when refused', async () => {
      const orthanc = new FakeOrthanc();
      const created = await store.create(radiology);
      await syncModalities(orthanc, store);
      orthanc.broken.add('radiology');
      await expect(removeDestination(orthanc, store, created.id)).rejects.toMatchObject({
        code: 'orthanc_unavailable',
      });
      expect((await store.list()).length).toBe(1);

      orthanc.broken.clear();
      await addRouteJob(created.id, 'pending');
      orthanc.calls.length = 0;
      await expect(removeDestination(orthanc, store, created.id)).rejects.toMatchObject({ code: 'conflict' });
      expect(orthanc.calls).toEqual([]);
      expect(orthanc.modalities.has('radiology')).toBe(true);
    });
  });
});

describe('destination URLs', () => {
  it.each([
    ['http://pacs', { href: 'http://pacs', host: 'pacs', port: 80 }],
    ['https://pacs:8443/dicom-web/', { href: 'https://pacs:8443/dicom-web', host: 'pacs', port: 8443 }],
    ['http://[2001:db8::1]:8042/', { href: 'http://[2001:db8::1]:8042', host: '2001:db8::1', port: 8042 }],
  ])('%s', (url, expected) => {
    expect(parseDestinationUrl(url)).toEqual(expected);
  });

  it.each([
    ['pacs:8042', /http/],
    ['ftp://pacs/', /http/],
    ['not a url', /not a URL/],
    ['http://pacs/?a=1', /query/],
    ['http://user@pacs/', /not in the URL/],
  ])('refuses %s', (url, message) => {
    expect(destinationUrlProblem(url)).toMatch(message);
  });
});
