// A few pages, routed with the History API: the sidecar answers any non-API page path with
// index.html (src/web/static-ui.ts), so /import and /inbox survive a reload and a bookmark.

import { useEffect, useState } from 'react';

export const ROUTES = { login: '/login', importMedia: '/import', inbox: '/inbox' } as const;
export type RoutePath = (typeof ROUTES)[keyof typeof ROUTES];

const KNOWN: ReadonlySet<string> = new Set(Object.values(ROUTES));
const NAVIGATE_EVENT = 'outside:navigate';

/** The page for a location path; unknown paths land on the import page. */
export function routeOf(pathname: string): RoutePath {
  const path = pathname.replace(/\/+$/, '') || '/';
  return KNOWN.has(path) ? (path as RoutePath) : ROUTES.importMedia;
}

export function navigate(path: RoutePath, options: { replace?: boolean } = {}): void {
  if (window.location.pathname === path) return;
  if (options.replace === true) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The current page; re-renders on back/forward and on navigate(). */
export function useRoute(): RoutePath {
  const [route, setRoute] = useState<RoutePath>(() => routeOf(window.location.pathname));
  useEffect(() => {
    const update = (): void => {
      setRoute(routeOf(window.location.pathname));
    };
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return route;
}
