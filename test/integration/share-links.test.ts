import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../plugin-server/src/logger.ts';
import { insertStudy } from '../../plugin-server/src/routing/routing-fixtures.ts';
import { recordExpiredShares } from '../../plugin-server/src/sharing/share-expiry.ts';
import { makeUid } from '../fixtures/synthetic-dicom.ts';
import { servicesOf, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';

// Share links through the real HTTP API: creation, the token shown once and stored only hashed,
// PIN, expiry, revocation, guessed tokens, throttling, and the audit trail of each.

interface Created {
  link: { id: string; status: string; useCount: number; hasPin: boolean };
  url: string;
}

describe('share links', () => {
  let stack: TestStack;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // Trusting X-Forwarded-For lets one test play recipients at several addresses.
    stack = await startStack({ logger: createLogger('debug', sink), config: { http: { trustProxy: true } } });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const db = () => servicesOf(stack).db;

  async function study(): Promise<{ id: string; uid: string }> {
    const id = randomUUID();
    const uid = makeUid();
    await insertStudy(db(), { id, uid, state: 'identified', modalities: ['CT'] });
    return { id, uid };
  }

  function tokenOf(created: Created): string {
    return created.url.split('#')[1] ?? '';
  }

  /** A recipient: no account, a fresh cookie jar, a distinct client address. */
  function recipient(address: string) {
    return {
      open: (token: string, pin?: string) =>
        fetch(`${stack.sidecar.url}/api/share/open`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address, 'user-agent': 'recipient-test' },
          body: JSON.stringify(pin === undefined ? { token } : { token, pin }),
        }),
    };
  }

  async function securityAlerts(): Promise<string[]> {
    const rows = await db()
      .selectFrom('audit_events')
      .select('details')
      .where('event_name', '=', 'securityAlert')
      .orderBy('seq')
      .execute();
    return rows.map((row) => (JSON.parse(row.details) as { reason: string }).reason);
  }

  it('creates a link shown once, stores only hashes, and lists it with its use count', async () => {
    const { id } = await study();
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const response = await physician.post<Created>('/api/shares', {
      studyId: id,
      recipient: 'Dr. Surgeon, building B',
      purpose: 'pre-operative planning',
    });
    expect(response.status).toBe(201);
    const token = tokenOf(response.body);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body.url).toMatch(/\/share#/);

    const stored = await db().selectFrom('share_links').selectAll().where('id', '=', response.body.link.id).execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const days = (Date.parse(stored[0]?.expires_at ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const opened = await recipient('10.0.0.1').open(token);
    expect(opened.status).toBe(200);
    const body = (await opened.json()) as { viewerUrl: string };
    expect(body.viewerUrl).toMatch(/^\/viewer\/outside-shared\?StudyInstanceUIDs=/);
    const cookie = opened.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^outside_share=/);
    expect(cookie).toMatch(/Path=\/viewer/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const sessionToken = cookie.split(';')[0]?.split('=')[1] ?? '';
    const sessions = await db().selectFrom('share_sessions').selectAll().execute();
    expect(JSON.stringify(sessions)).not.toContain(sessionToken);

    const mine = await physician.get<{ links: Created['link'][] }>('/api/shares');
    expect(mine.body.links).toMatchObject([{ id: response.body.link.id, status: 'active', useCount: 1 }]);
    expect(JSON.stringify(mine.body)).not.toContain(token);

    const uses = await db()
      .selectFrom('audit_events')
      .select(['event_name', 'details', 'source_ip'])
      .where('object_id', '=', response.body.link.id)
      .execute();
    expect(uses.map((u) => u.event_name)).toEqual(['instancesAccessed']);
    expect(uses[0]?.details).toContain('recipient-test');
    expect(logLines.join('')).not.toContain(token);
    expect(logLines.join('')).not.toContain(sessionToken);
  });

  it('refuses the wrong PIN, then opens with the right one, and throttles a link under attack', async () => {
    const { id } = await study();
    const physician = await loggedIn(stack.sidecar, ['radiology']);
    const created = (
      await physician.post<Created>('/api/shares', { studyId: id, recipient: 'r', purpose: 'p', pin: '4711' })
    ).body;
    expect(created.link.hasPin).toBe(true);
    const token = tokenOf(created);
    const guest = recipient('10.0.0.2');
    const noPin = await guest.open(token);
    expect(noPin.status).toBe(401);
    expect(((await noPin.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe(
      'pin-required',
    );
    expect((await guest.open(token, '0000')).status).toBe(403);
    expect((await guest.open(token, '4711')).status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await guest.open(token, '1111')).status).toBe(403);
    // Five wrong PINs: the link is closed to this address even for the right PIN.
    expect((await guest.open(token, '4711')).status).toBe(429);
    const alerts = await securityAlerts();
    expect(alerts.filter((reason) => reason === 'share link refused: wrong-pin')).toHaveLength(5);
    expect(alerts).toContain('share link refused: throttled');
  });

  it('refuses expired and revoked links, audits both, and lets only the creator or an admin revoke', async () => {
    const { id } = await study();
    const owner = await loggedIn(stack.sidecar, ['physician']);
    const expiring = (await owner.post<Created>('/api/shares', { studyId: id, recipient: 'r', purpose: 'p' })).body;
    const revoking = (
      await owner.post<Created>('/api/shares', { studyId: id, recipient: 'r2', purpose: 'p', expiresInDays: 30 })
    ).body;
    expect(
      (await owner.post('/api/shares', { studyId: id, recipient: 'r', purpose: 'p', expiresInDays: 31 })).status,
    ).toBe(400);

    await db()
      .updateTable('share_links')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', expiring.link.id)
      .execute();
    const guest = recipient('10.0.0.3');
    expect((await guest.open(tokenOf(expiring))).status).toBe(404);
    const services = stack.sidecar.services;
    if (services === undefined) throw new Error('not started');
    expect(await recordExpiredShares(services)).toBe(1);
    expect(await recordExpiredShares(services)).toBe(0);

    const stranger = await loggedIn(stack.sidecar, ['physician']);
    expect((await stranger.post(`/api/shares/${revoking.link.id}/revoke`, {})).status).toBe(404);
    const admin = await loggedIn(stack.sidecar, ['admin']);
    const all = await admin.get<{ links: { id: string }[] }>('/api/shares?scope=all');
    expect(all.body.links.map((l) => l.id)).toContain(revoking.link.id);
    expect((await owner.get('/api/shares?scope=all')).status).toBe(403);
    expect((await admin.post(`/api/shares/${revoking.link.id}/revoke`, {})).status).toBe(200);
    expect((await owner.post(`/api/shares/${revoking.link.id}/revoke`, {})).status).toBe(409);
    expect((await guest.open(tokenOf(revoking))).status).toBe(404);

    const ended = await db()
      .selectFrom('audit_events')
      .select(['object_id', 'details'])
      .where('event_name', '=', 'shareLinkEnded')
      .execute();
    expect(ended).toEqual(
      expect.arrayContaining([
        { object_id: expiring.link.id, details: JSON.stringify({ action: 'expired' }) },
        expect.objectContaining({ object_id: revoking.link.id }),
      ]),
    );
    const alerts = await securityAlerts();
    expect(alerts).toContain('share link refused: expired');
    expect(alerts).toContain('share link refused: revoked');
  });

  it('answers guessed tokens with 404, then throttles the guessing address only', async () => {
    const guesser = recipient('10.0.0.4');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await guesser.open(`guess${attempt}`.padEnd(43, 'x'))).status).toBe(404);
    }
    expect((await guesser.open('guess-again'.padEnd(43, 'y'))).status).toBe(429);
    // Another address is not locked out by someone else's guessing.
    expect((await recipient('10.0.0.5').open('other'.padEnd(43, 'z'))).status).toBe(404);
    expect((await guesser.open('short')).status).toBe(400);
  });

  it('lets only physicians and radiology create links, never for a discarded study', async () => {
    const { id } = await study();
    const frontDesk = await loggedIn(stack.sidecar, ['frontdesk']);
    expect((await frontDesk.post('/api/shares', { studyId: id, recipient: 'r', purpose: 'p' })).status).toBe(403);
    const physician = await loggedIn(stack.sidecar, ['physician']);
    await db().updateTable('studies').set({ state: 'discarded' }).where('id', '=', id).execute();
    expect((await physician.post('/api/shares', { studyId: id, recipient: 'r', purpose: 'p' })).status).toBe(409);
  });
});
