import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/domain/roles.ts';
import { hrefOf, mayOpen, routeOf, ROUTES, type RoutePath } from './router.ts';

describe('router', () => {
  it.each([
    ['/routing', ROUTES.routingQueue],
    ['/routing/', ROUTES.routingQueue],
    ['/admin/destinations', ROUTES.destinations],
    ['/admin/routing-rules', ROUTES.routingRules],
    ['/shares', ROUTES.myShares],
    ['/share', ROUTES.sharedStudy],
    ['/admin', ROUTES.importMedia],
    ['/nowhere', ROUTES.importMedia],
  ])('routes %s', (path, route) => {
    expect(routeOf(path)).toBe(route);
  });

  it.each<[RoutePath, Role[], boolean]>([
    [ROUTES.routingQueue, ['radiology'], true],
    [ROUTES.routingQueue, ['admin'], true],
    [ROUTES.routingQueue, ['physician'], false],
    [ROUTES.destinations, ['admin'], true],
    [ROUTES.destinations, ['radiology'], false],
    [ROUTES.routingRules, ['admin', 'physician'], true],
    [ROUTES.routingRules, ['frontdesk'], false],
    [ROUTES.worklist, ['admin'], false],
    [ROUTES.inbox, ['physician'], true],
    [ROUTES.myShares, ['physician'], true],
    [ROUTES.myShares, ['admin'], true],
    [ROUTES.myShares, ['frontdesk'], false],
  ])('%s for %j: %s', (route, roles, allowed) => {
    expect(mayOpen(route, roles)).toBe(allowed);
  });

  it('keeps the opened job in the query', () => {
    expect(hrefOf(ROUTES.routingQueue, { job: 12 })).toBe('/routing?job=12');
    expect(hrefOf(ROUTES.routingQueue, { job: undefined })).toBe('/routing');
  });
});
