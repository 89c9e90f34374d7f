// A few pages, routed with the History API: the sidecar answers any non-API page path with
// index.html (src/web/static-ui.ts), so /import, /inbox, /worklist, /routing, /shares, the HL7 and
// the admin pages survive a reload and a bookmark. /share is the page a share link opens, for a
// recipient without an account. A page's own state that should too (the message,
// order, study or route job opened) is in the query.

import { useCallback, useEffect, useState } from 'react';
import type { Role } from '../../../src/domain/roles.ts';

export const ROUTES = {
  login: '/login',
  importMedia: '/import',
  inbox: '/inbox',
  worklist: '/worklist',
  hl7Messages: '/hl7/messages',
  orders: '/hl7/orders',
  patients: '/hl7/patients',
  outbox: '/hl7/outbox',
  routingQueue: '/routing',
  destinations: '/admin/destinations',
  routingRules: '/admin/routing-rules',
  myShares: '/shares',
  sharedStudy: '/share',
} as const;
export type RoutePath = (typeof ROUTES)[keyof typeof ROUTES];

/** The HL7 section: one entry in the main navigation, its pages in a navigation of their own. */
export const HL7_ROUTES: readonly RoutePath[] = [ROUTES.hl7Messages, ROUTES.orders, ROUTES.patients, ROUTES.outbox];

/** The admin section: one entry in the main navigation, its pages in a navigation of their own. */
export const ADMIN_ROUTES: readonly RoutePath[] = [ROUTES.destinations, ROUTES.routingRules];

/** Pages shown without a session: a share link's recipient has no account (src/sharing/). */
export const PUBLIC_ROUTES: readonly RoutePath[] = [ROUTES.sharedStudy];

/** Pages for some roles only (the sidecar answers 403 to the others anyway); the rest are for all. */
const ROUTE_ROLES: Partial<Record<RoutePath, readonly Role[]>> = {
  ...Object.fromEntries([ROUTES.worklist, ...HL7_ROUTES].map((route) => [route, ['radiology']])),
  // Admins may watch the queue (GET /api/routing/jobs); only radiology retries and cancels.
  [ROUTES.routingQueue]: ['radiology', 'admin'],
  ...Object.fromEntries(ADMIN_ROUTES.map((route) => [route, ['admin']])),
  // Physicians and radiology share studies; admins see and revoke everyone's links.
  [ROUTES.myShares]: ['physician', 'radiology', 'admin'],
};

/** Pages that use the whole width of the window (a list and the row opened side by side). */
export const WIDE_ROUTES: readonly RoutePath[] = [ROUTES.worklist, ROUTES.routingQueue];

const KNOWN: ReadonlySet<string> = new Set(Object.values(ROUTES));
const NAVIGATE_EVENT = 'outside:navigate';

/** The page for a location path; unknown paths land on the import page. */
export function routeOf(pathname: string): RoutePath {
  const path = pathname.replace(/\/+$/, '') || '/';
  return KNOWN.has(path) ? (path as RoutePath) : ROUTES.importMedia;
}

/** Whether a user with these roles may open the page. */
export function mayOpen(route: RoutePath, roles: readonly Role[]): boolean {
  const allowed = ROUTE_ROLES[route];
  return allowed === undefined || allowed.some((role) => roles.includes(role));
}

/** The address of a page with query parameters (undefined and '' values are left out). */
export function hrefOf(path: RoutePath, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Goes to a page (`path` may carry a query made by hrefOf). */
export function navigate(path: RoutePath | string, options: { replace?: boolean } = {}): void {
  if (`${window.location.pathname}${window.location.search}` === path) return;
  if (options.replace === true) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Calls `update` on back/forward and on navigate(). */
function useLocationChange(update: () => void): void {
  useEffect(() => {
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, [update]);
}

/** The current page; re-renders on back/forward and on navigate(). */
export function useRoute(): RoutePath {
  const [route, setRoute] = useState<RoutePath>(() => routeOf(window.location.pathname));
  useLocationChange(useCallback(() => setRoute(routeOf(window.location.pathname)), []));
  return route;
}

function queryParameter(name: string): string {
  return new URLSearchParams(window.location.search).get(name) ?? '';
}

/** One query parameter of the current address ('' when absent); re-renders when it changes. */
export function useQueryParameter(name: string): string {
  const [value, setValue] = useState(() => queryParameter(name));
  useLocationChange(useCallback(() => setValue(queryParameter(name)), [name]));
  return value;
}
