import { useCallback, useEffect, useRef, useState } from 'react';
import type { PanelAction, ViewerPanel } from '../../../plugin-server/src/domain/viewer-panel.ts';
import { ActionConfirm } from './action-confirm.component.tsx';
import type { ApiFailure, OutsideApi } from './outside-api.resource.ts';
import { ACTION_SPECS, describeFailure, offeredActions, runAction, type ActionInput } from './panel-actions.ts';
import {
  ArchiveSection,
  IdentitySection,
  ProvenanceSection,
  StateSection,
  StudyHeader,
} from './panel-sections.component.tsx';
import { PANEL_CSS } from './panel-styles.ts';
import { loginUrl, studyUidsFromSearch } from './study-uids.ts';

// The "Outside study" panel: what the sidecar knows about the open study and what this physician
// may do with it. It runs in its own React root (island.ts), reads the open study from the URL,
// and after every action loads the panel again, so the result is visible at once.

export type PanelLocation = { pathname: string; search: string };

/** How often the panel looks whether OHIF has opened another study (it changes the URL in place). */
const LOCATION_POLL_MS = 1000;

/** The panel of whatever study the viewer's URL names now; a new URL starts it afresh. */
/** The action in progress and its callbacks, handed down to the view. */
type ActionState = {
  pending: PanelAction | undefined;
  busy: boolean;
  notice: Notice | undefined;
  onAction: (action: PanelAction) => void;
  onConfirm: (input: ActionInput) => void;
  onCancel: () => void;
};

export function LiveOutsideStudyPanel({ api }: { api: OutsideApi }) {
  const [location, setLocation] = useState<PanelLocation>(() => snapshot());
  useEffect(() => {
    const check = () =>
      setLocation((previous) => {
        const now = snapshot();
        return now.pathname === previous.pathname && now.search === previous.search ? previous : now;
      });
    const timer = window.setInterval(check, LOCATION_POLL_MS);
    window.addEventListener('popstate', check);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('popstate', check);
    };
  }, []);
  return <OutsideStudyPanel key={location.search} api={api} location={location} />;
}

function snapshot(): PanelLocation {
  return { pathname: window.location.pathname, search: window.location.search };
}

type Loaded =
  | { status: 'loading' }
  | { status: 'failed'; failure: ApiFailure }
  | { status: 'ready'; panel: ViewerPanel; csrfToken: string };

/** What the live region says: the outcome of the last action, or why it failed. */
export type Notice = { kind: 'success' | 'error'; message: string; shareUrl?: string };

export function OutsideStudyPanel({ api, location }: { api: OutsideApi; location: PanelLocation }) {
  const uids = studyUidsFromSearch(location.search);
  const [selected, setSelected] = useState<string | undefined>(uids[0]);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [pending, setPending] = useState<PanelAction | undefined>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | undefined>();
  /** Answers for a study the physician has left meanwhile are dropped. */
  const current = useRef(selected);
  current.current = selected;

  const load = useCallback(
    async (uid: string): Promise<void> => {
      const [session, panel] = await Promise.all([api.session(), api.panel(uid)]);
      if (current.current !== uid) return;
      if (!session.ok) setLoaded({ status: 'failed', failure: session.failure });
      else if (!panel.ok) setLoaded({ status: 'failed', failure: panel.failure });
      else setLoaded({ status: 'ready', panel: panel.value, csrfToken: session.value.csrfToken });
    },
    [api],
  );

  useEffect(() => {
    setPending(undefined);
    setNotice(undefined);
    if (selected === undefined) return;
    setLoaded({ status: 'loading' });
    void load(selected);
  }, [selected, load]);

  async function confirm(input: ActionInput): Promise<void> {
    if (loaded.status !== 'ready' || selected === undefined) return;
    setBusy(true);
    const outcome = await runAction(api, loaded.panel.study.id, input, loaded.csrfToken);
    if (outcome.ok) {
      setNotice({ kind: 'success', message: outcome.message, shareUrl: outcome.shareUrl });
      setPending(undefined);
    } else if (outcome.failure.kind === 'unauthenticated') {
      setLoaded({ status: 'failed', failure: outcome.failure });
    } else {
      setNotice({ kind: 'error', message: describeFailure(outcome.failure, outcome.action) });
    }
    await load(selected);
    setBusy(false);
  }

  return (
    <section className="outside-panel" data-testid="outside-panel" aria-label="Outside study" aria-busy={busy}>
      <style>{PANEL_CSS}</style>
      {uids.length > 1 && (
        <label className="outside-field">
          <span>Study</span>
          <select value={selected} onChange={(event) => setSelected(event.target.value)}>
            {uids.map((uid) => (
              <option key={uid} value={uid}>
                {uid}
              </option>
            ))}
          </select>
        </label>
      )}
      <PanelBody
        uid={selected}
        loaded={loaded}
        location={location}
        actions={{
          pending,
          busy,
          notice,
          onAction: (action) => {
            setNotice(undefined);
            setPending(action);
          },
          onConfirm: (input) => void confirm(input),
          onCancel: () => setPending(undefined),
        }}
      />
    </section>
  );
}

/** The live region: present before anything is said in it, so screen readers announce changes. */
function ResultRegion({ notice }: { notice: Notice | undefined }) {
  return (
    <div
      className="outside-result"
      data-testid="outside-result"
      data-kind={notice?.kind}
      role="status"
      aria-live="polite"
    >
      {notice?.message}
      {notice?.shareUrl !== undefined && <output className="outside-share-url">{notice.shareUrl}</output>}
    </div>
  );
}

function PanelBody({
  uid,
  loaded,
  location,
  actions,
}: {
  uid: string | undefined;
  loaded: Loaded;
  location: PanelLocation;
  actions: ActionState;
}) {
  if (uid !== undefined && loaded.status === 'ready') return <PanelView panel={loaded.panel} actions={actions} />;
  let message;
  if (uid === undefined) message = <p className="outside-muted">No study is open.</p>;
  else if (loaded.status === 'failed') message = <PanelFailure failure={loaded.failure} location={location} />;
  else message = <p className="outside-muted">Loading…</p>;
  return (
    <>
      {message}
      <ResultRegion notice={actions.notice} />
    </>
  );
}

export function PanelFailure({ failure, location }: { failure: ApiFailure; location: PanelLocation }) {
  if (failure.kind === 'unauthenticated') {
    return (
      <p data-testid="outside-login-needed">
        You are not logged in, or your session has ended.{' '}
        <a className="outside-link" href={loginUrl(location)} data-testid="outside-login">
          Log in
        </a>
      </p>
    );
  }
  if (failure.kind === 'refused' && failure.status === 404) {
    return <p className="outside-muted">This study is not one Outside Studies imported.</p>;
  }
  return <p className="outside-error-text">{describeFailure(failure)}</p>;
}

/** The panel of a loaded study; without state of its own, so it can be rendered in a test. */
export function PanelView({ panel, actions }: { panel: ViewerPanel; actions: ActionState }) {
  const { pending, busy, notice, onAction, onConfirm, onCancel } = actions;
  const offered = offeredActions(panel);
  const pendingSpec = ACTION_SPECS.find((spec) => spec.action === pending && panel.actions.includes(spec.action));
  return (
    <>
      <StudyHeader study={panel.study} />
      <StateSection study={panel.study} />
      {offered.length > 0 && (
        <div className="outside-actions" role="group" aria-label="Actions">
          {offered.map((spec) => (
            <button
              key={spec.action}
              type="button"
              className={`outside-button${spec.danger ? ' outside-button--danger' : ''}`}
              data-testid={spec.testId}
              aria-pressed={pending === spec.action}
              disabled={busy}
              onClick={() => onAction(spec.action)}
            >
              {spec.label}
            </button>
          ))}
        </div>
      )}
      {pendingSpec !== undefined && (
        <ActionConfirm
          key={pendingSpec.action}
          spec={pendingSpec}
          proposedDestinations={panel.archive.proposedDestinations}
          busy={busy}
          onConfirm={onConfirm}
          onCancel={onCancel}
        />
      )}
      <ResultRegion notice={notice} />
      <ProvenanceSection provenance={panel.provenance} />
      <IdentitySection identity={panel.identity} />
      <ArchiveSection archive={panel.archive} />
    </>
  );
}
