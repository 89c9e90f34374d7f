// The "Destinations" admin page: the permanent archives studies are routed to. Admins create and
// change DICOM C-STORE destinations, enable and disable any, delete one nothing refers to (the
// server says what does, 409), and test the connection (C-ECHO through Orthanc). Passwords are
// never shown: the API does not return them and DICOM destinations have none.

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { fullStop, plural } from '../format/format.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { useDetail } from '../hl7/use-detail.ts';
import { ROUTES } from '../routing/router.ts';
import { AdminSectionNav } from './admin-section-nav.component.tsx';
import { DestinationForm, type FormOutcome } from './destination-form.component.tsx';
import {
  connectionTestText,
  destinationChangeBody,
  destinationTarget,
  EMPTY_DESTINATION_FORM,
  enabledChangeBody,
  formFromDestination,
  KIND_LABELS,
  newDestinationBody,
  type DestinationFormValues,
} from './destination-form.ts';
import {
  createDestination,
  deleteDestination,
  listDestinations,
  testDestination,
  updateDestination,
  type ConnectionTestResult,
  type Destination,
} from './destinations.resource.ts';

type Editing = { mode: 'create' } | { mode: 'edit'; destination: Destination };
type Notice = { kind: 'success' | 'warning' | 'error'; text: string; warnings: string[] };
type TestState =
  { status: 'running' } | { status: 'done'; result: ConnectionTestResult } | { status: 'error'; message: string };

export function DestinationsPage({ api }: { api: ApiClient }) {
  const id = useId();
  const load = useCallback((signal: AbortSignal) => listDestinations(api, signal), [api]);
  const list = useDetail(load);
  const [editing, setEditing] = useState<Editing | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [tests, setTests] = useState<Readonly<Record<string, TestState>>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState<Destination | undefined>(undefined);
  const noticeRef = useRef<HTMLDivElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (notice !== undefined) noticeRef.current?.focus();
  }, [notice]);
  useEffect(() => {
    if (deleting !== undefined) deleteRef.current?.focus();
  }, [deleting]);

  const changed = (text: string, warnings: readonly string[]): void => {
    setNotice({ kind: warnings.length > 0 ? 'warning' : 'success', text, warnings: [...warnings] });
    list.reload();
  };

  const save = async (values: DestinationFormValues): Promise<FormOutcome> => {
    if (editing === undefined) return { ok: false, message: 'nothing is being edited' };
    try {
      if (editing.mode === 'create') {
        const answer = await createDestination(api, newDestinationBody(values));
        setEditing(undefined);
        changed(`Destination ${answer.destination.name} created.`, answer.warnings);
      } else {
        const answer = await updateDestination(api, editing.destination.id, destinationChangeBody(values));
        setEditing(undefined);
        changed(`Destination ${answer.destination.name} saved.`, answer.warnings);
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  };

  /** Enable, disable or delete: one at a time, the outcome in the notice. */
  const run = async (what: string, action: () => Promise<string>, warnings?: () => readonly string[]) => {
    if (busy !== undefined) return;
    setBusy(what);
    try {
      const text = await action();
      changed(text, warnings?.() ?? []);
    } catch (error) {
      setNotice({ kind: 'error', text: `Could not ${what}: ${fullStop(describeError(error))}`, warnings: [] });
    } finally {
      setBusy(undefined);
    }
  };

  const setEnabled = (destination: Destination, enabled: boolean): void => {
    let warnings: readonly string[] = [];
    void run(
      `${enabled ? 'enable' : 'disable'} ${destination.name}`,
      async () => {
        const answer = await updateDestination(api, destination.id, enabledChangeBody(destination, enabled));
        warnings = answer.warnings;
        return `Destination ${destination.name} ${enabled ? 'enabled' : 'disabled'}.`;
      },
      () => warnings,
    );
  };

  const remove = (destination: Destination): void => {
    setDeleting(undefined);
    void run(`delete ${destination.name}`, async () => {
      await deleteDestination(api, destination.id);
      return `Destination ${destination.name} deleted.`;
    });
  };

  const test = async (destination: Destination): Promise<void> => {
    setTests((current) => ({ ...current, [destination.id]: { status: 'running' } }));
    try {
      const result = await testDestination(api, destination.id);
      setTests((current) => ({ ...current, [destination.id]: { status: 'done', result } }));
    } catch (error) {
      setTests((current) => ({ ...current, [destination.id]: { status: 'error', message: describeError(error) } }));
    }
  };

  const columns: readonly Column<Destination>[] = [
    {
      header: 'Name',
      cell: (destination) => (
        <>
          <strong>{destination.name}</strong>
          <span className="cell-secondary">{KIND_LABELS[destination.kind]}</span>
        </>
      ),
    },
    {
      header: 'Where',
      className: 'code text-break',
      cell: (destination) => (
        <>
          {destinationTarget(destination)}
          {destination.username !== null && (
            <span className="cell-secondary">
              user {destination.username}
              {destination.hasPassword ? ', password stored' : ''}
            </span>
          )}
        </>
      ),
    },
    {
      header: 'At once',
      headerClassName: 'numeric',
      className: 'numeric',
      cell: (destination) => destination.concurrency,
    },
    {
      header: 'State',
      cell: (destination) => (
        <span className={`badge badge--state ${destination.enabled ? 'badge--enabled' : 'badge--disabled'}`}>
          {destination.enabled ? 'enabled' : 'disabled'}
        </span>
      ),
    },
    {
      header: 'Connection',
      className: 'text-break',
      cell: (destination) => <ConnectionCell state={tests[destination.id]} />,
    },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (destination) => {
        const testing = tests[destination.id]?.status === 'running';
        return (
          <div className="button-row button-row--tight">
            <button
              type="button"
              className="button button--small"
              disabled={testing}
              aria-label={`Test connection to ${destination.name}`}
              onClick={() => void test(destination)}
            >
              {testing ? 'Testing…' : 'Test connection'}
            </button>
            {destination.kind === 'dicom' && (
              <button
                type="button"
                className="button button--small"
                aria-label={`Edit ${destination.name}`}
                onClick={() => setEditing({ mode: 'edit', destination })}
              >
                Edit
              </button>
            )}
            <button
              type="button"
              className="button button--small"
              disabled={busy !== undefined}
              aria-label={`${destination.enabled ? 'Disable' : 'Enable'} ${destination.name}`}
              onClick={() => setEnabled(destination, !destination.enabled)}
            >
              {destination.enabled ? 'Disable' : 'Enable'}
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={busy !== undefined}
              aria-label={`Delete ${destination.name}`}
              aria-expanded={deleting?.id === destination.id}
              onClick={() => setDeleting(deleting?.id === destination.id ? undefined : destination)}
            >
              Delete…
            </button>
          </div>
        );
      },
    },
  ];

  const destinations = list.data ?? [];
  const loading = list.state.status === 'loading';
  return (
    <div className="stack">
      <AdminSectionNav current={ROUTES.destinations} />
      <header className="page-header">
        <div>
          <h1>Destinations</h1>
          <p className="hint page-header__subtitle">
            The permanent archives studies are routed to. DICOM destinations are Orthanc modalities; the routing rules
            name them.
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="button" onClick={list.reload} disabled={loading}>
            {loading && list.data !== undefined ? 'Refreshing…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="button button--primary"
            aria-expanded={editing?.mode === 'create'}
            onClick={() => setEditing(editing?.mode === 'create' ? undefined : { mode: 'create' })}
          >
            New destination
          </button>
        </div>
      </header>
      {notice !== undefined && (
        <div
          className={`notice notice--${notice.kind}`}
          ref={noticeRef}
          tabIndex={-1}
          data-testid="destinations-notice"
        >
          <p className={notice.warnings.length > 0 ? 'notice__title' : 'notice__text'}>{notice.text}</p>
          {notice.warnings.length > 0 && (
            <ul className="notice__list">
              {notice.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {editing !== undefined && (
        <DestinationForm
          key={editing.mode === 'create' ? 'create' : editing.destination.id}
          mode={editing.mode}
          initial={editing.mode === 'create' ? EMPTY_DESTINATION_FORM : formFromDestination(editing.destination)}
          onSubmit={save}
          onCancel={() => setEditing(undefined)}
        />
      )}
      {deleting !== undefined && (
        <div className="action-form" role="group" aria-labelledby={`${id}-delete`} data-testid="delete-form">
          <h2 id={`${id}-delete`} className="action-form__title">
            Delete destination {deleting.name}?
          </h2>
          <p className="hint">
            Only a destination no route job and no routing rule refers to can be deleted; otherwise disable it.
          </p>
          <div className="button-row">
            <button type="button" className="button button--primary" ref={deleteRef} onClick={() => remove(deleting)}>
              Yes, delete {deleting.name}
            </button>
            <button type="button" className="button button--quiet" onClick={() => setDeleting(undefined)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      {list.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The destinations cannot be loaded: {fullStop(list.state.message)}
        </p>
      )}
      {list.data === undefined && loading && <p className="muted">Loading…</p>}
      {list.data !== undefined && (
        <p className="muted" role="status">
          {destinations.length === 0
            ? 'No destination yet: create one for each archive the routing rules name.'
            : `${plural(destinations.length, 'destination')}.`}
        </p>
      )}
      {destinations.length > 0 && (
        <DataTable
          className="table table--rows"
          testId="destinations"
          caption="Routing destinations"
          rowTestId="destination-row"
          columns={columns}
          rows={destinations}
        />
      )}
    </div>
  );
}

/** The last test of one destination; one live region per row, so a result is read out. */
function ConnectionCell({ state }: { state: TestState | undefined }) {
  const outcome =
    state?.status === 'done' ? (state.result.ok ? 'ok' : 'failed') : state?.status === 'error' ? 'failed' : undefined;
  return (
    <span
      className={outcome === undefined ? 'muted' : `connection connection--${outcome}`}
      role="status"
      data-testid="connection-result"
      data-outcome={outcome}
    >
      {state === undefined
        ? 'not tested'
        : state.status === 'running'
          ? 'testing…'
          : state.status === 'error'
            ? `Test not run: ${fullStop(state.message)}`
            : connectionTestText(state.result)}
    </span>
  );
}
