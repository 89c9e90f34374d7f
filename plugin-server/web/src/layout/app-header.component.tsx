// The bar at the top of every page: product name, the pages the user's roles may open, who is
// logged in and as what.

import type { MouseEvent } from 'react';
import { ADMIN_ROUTES, HL7_ROUTES, mayOpen, navigate, ROUTES, type RoutePath } from '../routing/router.ts';
import type { SessionUser } from '../session/session.resource.ts';

/**
 * `section`: the pages the entry stands for (its own page included); the HL7 pages are one entry,
 * the admin pages another. Each entry shows for the roles that may open its page (router.ts).
 */
const NAVIGATION: readonly { path: RoutePath; label: string; section?: readonly RoutePath[] }[] = [
  { path: ROUTES.importMedia, label: 'Import media' },
  { path: ROUTES.inbox, label: 'Inbox' },
  { path: ROUTES.myShares, label: 'My shares' },
  { path: ROUTES.worklist, label: 'Worklist' },
  { path: ROUTES.hl7Messages, label: 'HL7', section: HL7_ROUTES },
  { path: ROUTES.routingQueue, label: 'Routing' },
  { path: ROUTES.destinations, label: 'Admin', section: ADMIN_ROUTES },
];

export function AppHeader({
  user,
  route,
  onLogout,
}: {
  user: SessionUser;
  route: RoutePath;
  onLogout: () => Promise<void>;
}) {
  const follow = (path: RoutePath) => (event: MouseEvent<HTMLAnchorElement>) => {
    // Ordinary clicks stay in the page; modified clicks (new tab) behave as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <span className="app-header__brand">Outside Studies</span>
        <nav className="app-header__nav" aria-label="Main">
          {NAVIGATION.filter(({ path }) => mayOpen(path, user.roles)).map(({ path, label, section }) => (
            <a
              key={path}
              href={path}
              className="app-header__link"
              aria-current={route === path ? 'page' : section?.includes(route) === true ? 'true' : undefined}
              onClick={follow(path)}
            >
              {label}
            </a>
          ))}
        </nav>
        <div className="app-header__user" data-testid="current-user">
          <span className="app-header__name">
            {user.displayName} <span className="app-header__username">({user.username})</span>
          </span>
          <span className="app-header__roles" aria-label="Roles">
            {user.roles.map((role) => (
              <span key={role} className="badge badge--role">
                {role}
              </span>
            ))}
          </span>
          <button type="button" className="button button--quiet" onClick={() => void onLogout()}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
