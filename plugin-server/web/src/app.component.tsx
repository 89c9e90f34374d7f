// The shell: finds out whether there is a session, shows the login page until there is one, and
// returns to it whenever the sidecar answers 401 (session expired or ended elsewhere). The page a
// share link opens (/share) is for a recipient without an account: no session check, no login.

import { useCallback, useEffect, useState } from 'react';
import { describeError, type ApiClient } from './api/api-client.ts';
import { InboxPage } from './inbox/inbox.component.tsx';
import { ImportMediaPage } from './import/import-media.component.tsx';
import { Hl7MessagesPage } from './hl7/hl7-messages.component.tsx';
import { OrdersPage } from './hl7/orders.component.tsx';
import { OutboxPage } from './hl7/outbox.component.tsx';
import { PatientsPage } from './hl7/patients.component.tsx';
import { DestinationsPage } from './admin/destinations.component.tsx';
import { RoutingRulesPage } from './admin/routing-rules.component.tsx';
import { RoutingQueuePage } from './archive/routing-queue.component.tsx';
import { AppHeader } from './layout/app-header.component.tsx';
import { mayOpen, navigate, PUBLIC_ROUTES, ROUTES, useRoute, WIDE_ROUTES, type RoutePath } from './routing/router.ts';
import { leavesTheApp, returnPath } from './routing/return-path.ts';
import { LoginPage } from './session/login.component.tsx';
import { MySharesPage } from './sharing/my-shares.component.tsx';
import { SharedStudyPage } from './sharing/shared-study.component.tsx';
import { currentSession, logout, type Session, type SessionUser } from './session/session.resource.ts';
import { WorklistPage } from './worklist/worklist.component.tsx';

type SessionState =
  { status: 'checking' } | { status: 'anonymous'; notice?: string } | { status: 'active'; session: Session };

/** Back to the page that asked for a login (the viewer, when its session ended), else import. */
function goOnAfterLogin(): void {
  const next = returnPath(window.location.search);
  if (next !== undefined && leavesTheApp(next)) window.location.replace(next);
  else navigate(next ?? ROUTES.importMedia, { replace: true });
}

export function App({ api }: { api: ApiClient }) {
  const route = useRoute();
  if (PUBLIC_ROUTES.includes(route)) return <SharedStudyPage api={api} />;
  return <SessionApp api={api} route={route} />;
}

function SessionApp({ api, route }: { api: ApiClient; route: RoutePath }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  useEffect(() => {
    let cancelled = false;
    currentSession(api).then(
      (session) => {
        if (!cancelled) setState(session === undefined ? { status: 'anonymous' } : { status: 'active', session });
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'anonymous', notice: describeError(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  useEffect(
    () =>
      api.onUnauthorized(() => {
        setState({ status: 'anonymous', notice: 'Your session has ended. Please log in again.' });
      }),
    [api],
  );

  // Keep the address bar honest: /login while logged out, never /login while logged in.
  useEffect(() => {
    if (state.status === 'anonymous' && route !== ROUTES.login) navigate(ROUTES.login, { replace: true });
    if (state.status === 'active' && route === ROUTES.login) goOnAfterLogin();
  }, [state.status, route]);

  const onLoggedIn = useCallback((session: Session) => {
    setState({ status: 'active', session });
    goOnAfterLogin();
  }, []);

  const onLogout = useCallback(async () => {
    let notice = 'You have logged out.';
    try {
      await logout(api);
    } catch (error) {
      notice = `Logged out here, but the server did not confirm: ${describeError(error)}`;
    }
    setState({ status: 'anonymous', notice });
  }, [api]);

  if (state.status === 'checking') {
    return (
      <main className="page page--centered" aria-busy="true">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  if (state.status === 'anonymous') {
    return <LoginPage api={api} notice={state.notice} onLoggedIn={onLoggedIn} />;
  }
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader user={state.session.user} route={route} onLogout={onLogout} />
      <main id="main" className={WIDE_ROUTES.includes(route) ? 'page page--wide' : 'page'} tabIndex={-1}>
        {mayOpen(route, state.session.user.roles) ? (
          <Page route={route} api={api} user={state.session.user} />
        ) : (
          <p className="notice notice--info" role="alert">
            This page is not available with your roles.
          </p>
        )}
      </main>
    </>
  );
}

function Page({ route, api, user }: { route: RoutePath; api: ApiClient; user: SessionUser }) {
  // The sidecar decides every write again; these only decide which controls a page offers.
  const has = (...roles: SessionUser['roles']) => roles.some((role) => user.roles.includes(role));
  switch (route) {
    case ROUTES.inbox:
      return <InboxPage api={api} canArchive={has('physician', 'radiology')} />;
    case ROUTES.worklist:
      return <WorklistPage api={api} />;
    case ROUTES.hl7Messages:
      return <Hl7MessagesPage api={api} />;
    case ROUTES.orders:
      return <OrdersPage api={api} />;
    case ROUTES.patients:
      return <PatientsPage api={api} />;
    case ROUTES.outbox:
      return <OutboxPage api={api} />;
    case ROUTES.routingQueue:
      return <RoutingQueuePage api={api} canAct={has('radiology')} />;
    case ROUTES.destinations:
      return <DestinationsPage api={api} />;
    case ROUTES.routingRules:
      return <RoutingRulesPage api={api} />;
    case ROUTES.myShares:
      return <MySharesPage api={api} canSeeAll={has('admin')} />;
    default:
      return <ImportMediaPage api={api} />;
  }
}
