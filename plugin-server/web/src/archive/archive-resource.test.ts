import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/api-client.ts';
import {
  archiveStudy,
  EMPTY_ROUTING_QUEUE_FILTER,
  getRouteJobHistory,
  routeJobPath,
  routeJobsPath,
  type RouteJob,
} from './archive.resource.ts';
import { mayHaveMore, withJobReplaced } from './use-routing-queue.ts';

const JOB: RouteJob = {
  id: 3,
  studyId: 'study-1',
  StudyInstanceUID: '1.2.3',
  destination: 'radiology-pacs',
  state: 'sending',
  attempts: 1,
  nextAttemptAt: null,
  lastError: null,
  instancesSent: 2,
  instancesVerified: 0,
  createdAt: '2024-03-01T10:00:00.000Z',
  updatedAt: '2024-03-01T10:00:01.000Z',
};

describe('archive resource', () => {
  it.each([
    [routeJobsPath(EMPTY_ROUTING_QUEUE_FILTER, 100), '/api/routing/jobs?limit=100'],
    [routeJobsPath({ state: 'retry_wait' }, 200), '/api/routing/jobs?limit=200&state=retry_wait'],
    // The route refuses more than 500.
    [routeJobsPath({ state: '' }, 900), '/api/routing/jobs?limit=500'],
    [routeJobPath(12, 'events'), '/api/routing/jobs/12/events'],
    [routeJobPath(12, 'cancel'), '/api/routing/jobs/12/cancel'],
  ])('asks for %s', (path, expected) => {
    expect(path).toBe(expected);
  });

  it('posts the archive of one study, its id as one path segment', async () => {
    const api = new ApiClient();
    const post = vi.spyOn(api, 'post').mockResolvedValue({ decision: {}, jobIds: [] });
    await archiveStudy(api, 'a/b');
    expect(post.mock.calls[0]?.[0]).toBe('/api/studies/a%2Fb/archive');
  });

  it('parses a job history and refuses an unknown state', async () => {
    const api = new ApiClient();
    const history = {
      job: JOB,
      events: [{ fromState: null, toState: 'pending', detail: 'queued by dr', occurredAt: '2024-03-01T10:00:00Z' }],
    };
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) => schema.parse(history));
    expect((await getRouteJobHistory(api, 3)).events[0]?.toState).toBe('pending');
    const wrong = { ...history, events: [{ ...history.events[0], toState: 'lost' }] };
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) => schema.parse(wrong));
    await expect(getRouteJobHistory(api, 3)).rejects.toThrow();
  });

  it('replaces a row in place and knows when more rows may exist', () => {
    const other = { ...JOB, id: 4 };
    const rows = withJobReplaced([other, JOB], { ...JOB, state: 'verified' });
    expect(rows.map((row) => [row.id, row.state])).toEqual([
      [4, 'sending'],
      [3, 'verified'],
    ]);
    expect(mayHaveMore({ jobs: [JOB, other], limit: 2 })).toBe(true);
    expect(mayHaveMore({ jobs: [JOB], limit: 2 })).toBe(false);
    expect(mayHaveMore({ jobs: Array.from({ length: 500 }, () => JOB), limit: 500 })).toBe(false);
  });
});
