import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../api/api-client.ts';
import { destinationPath, testDestination } from './destinations.resource.ts';
import { routingPreviewPath, ruleProblems, saveRoutingRules } from './routing-rules.resource.ts';

describe('routing rules and destinations resources', () => {
  it('reads the problems of a refused rule list, and nothing else', () => {
    const problems = ['there must be exactly one default rule (found 0)', 'Echo: no destination is named echo-pacs'];
    expect(ruleProblems(new ApiError(400, 'invalid_input', 'routing rules not saved', { problems }))).toEqual(problems);
    expect(ruleProblems(new ApiError(400, 'invalid_input', 'body.rules: too small'))).toBeUndefined();
    expect(ruleProblems(new ApiError(400, 'invalid_input', 'x', { problems: [] }))).toBeUndefined();
    expect(ruleProblems(new ApiError(403, 'forbidden', 'x', { problems }))).toBeUndefined();
    expect(ruleProblems(new Error('network'))).toBeUndefined();
  });

  it('puts the whole list', async () => {
    const api = new ApiClient();
    const request = vi.spyOn(api, 'request').mockResolvedValue({ rules: [] });
    const rules = [
      {
        name: 'All',
        match: { departments: [], modalities: [], procedureCodes: [], sources: [] },
        destinations: ['a'],
        isDefault: true,
        enabled: true,
      },
    ];
    await saveRoutingRules(api, rules);
    expect(request.mock.calls[0]?.slice(0, 2)).toEqual(['PUT', '/api/routing/rules']);
    expect(request.mock.calls[0]?.[3]).toEqual({ body: { rules } });
  });

  it('puts ids into paths as one segment', async () => {
    expect(routingPreviewPath('a/b')).toBe('/api/studies/a%2Fb/routing-preview');
    expect(destinationPath('d 1')).toBe('/api/destinations/d%201');
    const api = new ApiClient();
    const post = vi.spyOn(api, 'post').mockResolvedValue({ ok: true, message: 'answered', milliseconds: 3 });
    expect(await testDestination(api, 'd1')).toEqual({ ok: true, message: 'answered', milliseconds: 3 });
    expect(post.mock.calls[0]?.[0]).toBe('/api/destinations/d1/test');
  });
});
