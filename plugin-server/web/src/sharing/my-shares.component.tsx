// The "My shares" page (/shares): the share links the user created, newest first, with their
// status, use count and last use; an active link can be revoked (after a confirmation), which
// cuts off anyone viewing through it at their next request. Admins may list everyone's links.
// Recipient, purpose and study description are free text and shown as text.

import { PageHeader } from '../layout/page-header.component.tsx';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop, plural } from '../format/format.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { useDetail } from '../hl7/use-detail.ts';
import {
  isRevocable,
  lastUsedText,
  revokedText,
  SHARE_STATUS_LABELS,
  sharedStudyLine,
  withLinkReplaced,
} from './share-format.ts';
import { listShareLinks, revokeShareLink, type ShareLink, type ShareScope } from './share-links.resource.ts';

type Notice = { kind: 'success' | 'error'; text: string };

/** `canSeeAll`: an admin, who may list everyone's links (GET /api/shares?scope=all). */
export function MySharesPage({ api, canSeeAll }: { api: ApiClient; canSeeAll: boolean }) {
  const id = useId();
  const [scope, setScope] = useState<ShareScope>('mine');
  const load = useCallback((signal: AbortSignal) => listShareLinks(api, scope, signal), [api, scope]);
  const list = useDetail(load);
  /** Links revoked here: revoked is final, so these copies are never older than a reload's. */
  const [changed, setChanged] = useState<readonly ShareLink[]>([]);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (notice !== undefined) noticeRef.current?.focus();
  }, [notice]);
  useEffect(() => {
    if (confirming !== undefined) confirmRef.current?.focus();
  }, [confirming]);

  const links = changed.reduce(withLinkReplaced, list.data ?? []);

  const revoke = async (link: ShareLink): Promise<void> => {
    if (busy !== undefined) return;
    setBusy(link.id);
    try {
      const revoked = await revokeShareLink(api, link.id);
      setChanged((current) => [...current, revoked]);
      setNotice({ kind: 'success', text: `The link for ${link.recipient} is revoked: it no longer opens the study.` });
    } catch (error) {
      setNotice({
        kind: 'error',
        text: `The link for ${link.recipient} was not revoked: ${fullStop(describeError(error))}`,
      });
    } finally {
      setBusy(undefined);
      setConfirming(undefined);
    }
  };

  const columns: Column<ShareLink>[] = [
    {
      header: 'Study',
      className: 'text-break',
      cell: (link) => <span data-testid="share-study">{sharedStudyLine(link)}</span>,
    },
    {
      header: 'Recipient',
      className: 'text-break',
      cell: (link) => (
        <>
          <span data-testid="share-recipient">{link.recipient}</span>
          {link.hasPin && <span className="cell-secondary">with PIN</span>}
        </>
      ),
    },
    { header: 'Purpose', className: 'text-break', cell: (link) => link.purpose },
    ...(scope === 'all' ? [{ header: 'Shared by', cell: (link: ShareLink) => link.createdBy }] : []),
    { header: 'Created', className: 'nowrap', cell: (link) => formatDateTime(link.createdAt) },
    { header: 'Expires', className: 'nowrap', cell: (link) => formatDateTime(link.expiresAt) },
    {
      header: 'Status',
      cell: (link) => (
        <>
          <span className={`badge badge--state badge--${link.status}`} data-testid="share-status">
            {SHARE_STATUS_LABELS[link.status]}
          </span>
          {link.revokedAt !== null && <span className="cell-secondary">{revokedText(link)}</span>}
        </>
      ),
    },
    {
      header: 'Uses',
      headerClassName: 'numeric',
      className: 'numeric',
      cell: (link) => <span data-testid="share-uses">{link.useCount.toLocaleString('en-US')}</span>,
    },
    { header: 'Last used', className: 'nowrap', cell: (link) => lastUsedText(link) },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (link) => {
        if (!isRevocable(link)) return null;
        if (confirming === link.id) {
          return (
            <div className="share-revoke" role="group" aria-label={`Revoke the link for ${link.recipient}?`}>
              <p className="hint">The recipient loses access at once.</p>
              <div className="button-row button-row--tight">
                <button
                  type="button"
                  className="button button--small button--primary"
                  ref={confirmRef}
                  disabled={busy !== undefined}
                  aria-label={`Yes, revoke the link for ${link.recipient}`}
                  onClick={() => void revoke(link)}
                >
                  {busy === link.id ? 'Revoking…' : 'Yes, revoke'}
                </button>
                <button
                  type="button"
                  className="button button--small button--quiet"
                  disabled={busy !== undefined}
                  aria-label={`Keep the link for ${link.recipient}`}
                  onClick={() => setConfirming(undefined)}
                >
                  Keep it
                </button>
              </div>
            </div>
          );
        }
        return (
          <button
            type="button"
            className="button button--small"
            disabled={busy !== undefined}
            aria-label={`Revoke the link for ${link.recipient}`}
            onClick={() => setConfirming(link.id)}
          >
            Revoke…
          </button>
        );
      },
    },
  ];

  const loading = list.state.status === 'loading';
  return (
    <div className="stack">
      <PageHeader
        title="My shares"
        subtitle="Links that show one study, read-only, to someone without an account. A link works until it expires or is revoked. Share a study from the inbox."
        loading={loading}
        onRefresh={list.reload}
      />
      {canSeeAll && (
        <div className="field field--checkbox">
          <label htmlFor={`${id}-all`}>
            <input
              id={`${id}-all`}
              type="checkbox"
              checked={scope === 'all'}
              onChange={(event) => {
                setScope(event.target.checked ? 'all' : 'mine');
                setConfirming(undefined);
              }}
            />{' '}
            Everyone&apos;s links
          </label>
        </div>
      )}
      {notice !== undefined && (
        <p
          className={`notice notice--${notice.kind}`}
          ref={noticeRef}
          tabIndex={-1}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="shares-notice"
        >
          {notice.text}
        </p>
      )}
      {list.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The share links cannot be loaded: {fullStop(list.state.message)}
        </p>
      )}
      {list.data === undefined && loading && <p className="muted">Loading…</p>}
      {list.data !== undefined && (
        <p className="muted" role="status">
          {links.length === 0
            ? scope === 'all'
              ? 'No share links yet.'
              : 'You have not shared a study yet.'
            : `${plural(links.length, 'link')}${scope === 'all' ? ' of everyone' : ''}, newest first.`}
        </p>
      )}
      {links.length > 0 && (
        <DataTable
          className="table table--rows"
          testId="share-links"
          caption={scope === 'all' ? "Everyone's share links" : 'Your share links'}
          rowTestId="share-link-row"
          columns={columns}
          rows={links}
        />
      )}
    </div>
  );
}
