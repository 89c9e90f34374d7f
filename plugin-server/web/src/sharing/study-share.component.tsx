// The "Share…" action of one study, where physicians and radiology see studies (the inbox): a
// form for the recipient, the purpose, the lifetime and an optional PIN; then the link, shown
// once (the sidecar keeps only its hash), with a Copy button. The links are listed, and can be
// revoked, on the "My shares" page.

import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { navigate, ROUTES } from '../routing/router.ts';
import {
  EMPTY_SHARE_FORM,
  hasProblems,
  PURPOSE_MAX_LENGTH,
  RECIPIENT_MAX_LENGTH,
  SHARE_DAYS,
  SHARE_FIELDS,
  shareFormProblems,
  shareLinkBody,
  type ShareField,
  type ShareFormProblems,
  type ShareFormValues,
} from './share-form.ts';
import { createShareLink, type CreatedShareLink } from './share-links.resource.ts';

type Phase = { phase: 'closed' } | { phase: 'form' } | { phase: 'created'; created: CreatedShareLink };

const FIELDS: Readonly<
  Record<
    ShareField,
    { label: string; hint: string; inputMode?: 'numeric'; type?: 'number'; maxLength?: number; optional?: boolean }
  >
> = {
  recipient: {
    label: 'Recipient',
    hint: 'Name or e-mail address of the person you share the study with.',
    maxLength: RECIPIENT_MAX_LENGTH,
  },
  purpose: {
    label: 'Purpose',
    hint: 'Why it is shared, e.g. “surgical planning”; kept with the link and in the audit log.',
    maxLength: PURPOSE_MAX_LENGTH,
  },
  expiresInDays: {
    label: 'Valid for (days)',
    hint: `${SHARE_DAYS.min} to ${SHARE_DAYS.max} days.`,
    type: 'number',
    inputMode: 'numeric',
  },
  pin: {
    label: 'PIN',
    hint: '4 to 12 digits. Tell it to the recipient by phone, never in the message with the link.',
    inputMode: 'numeric',
    maxLength: 12,
    optional: true,
  },
};

type CopyState = 'idle' | 'copied' | 'selected';

export function StudyShare({
  api,
  studyId,
  label,
}: {
  api: ApiClient;
  /** The sidecar's id of the study (POST /api/shares takes it). */
  studyId: string;
  /** Names the study in accessible names, e.g. "DOE, JANE, 2024-01-15". */
  label: string;
}) {
  const id = useId();
  const [phase, setPhase] = useState<Phase>({ phase: 'closed' });
  const [values, setValues] = useState<ShareFormValues>(EMPTY_SHARE_FORM);
  const [problems, setProblems] = useState<ShareFormProblems>({});
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const shareButtonRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // Keyboard and screen-reader users continue where the action went: the form, the link, or
  // back at the Share button.
  useEffect(() => {
    if (phase.phase === 'form') headingRef.current?.focus();
    if (phase.phase === 'created') resultRef.current?.focus();
    if (phase.phase === 'closed' && returnFocus.current) {
      returnFocus.current = false;
      shareButtonRef.current?.focus();
    }
  }, [phase.phase]);

  const close = (): void => {
    // The link leaves memory with the panel: it is shown once.
    returnFocus.current = true;
    setPhase({ phase: 'closed' });
    setValues(EMPTY_SHARE_FORM);
    setProblems({});
    setRefusal(undefined);
    setCopy('idle');
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (sending) return;
    const found = shareFormProblems(values);
    setProblems(found);
    setRefusal(undefined);
    if (hasProblems(found)) {
      // The first field with a problem takes the focus; its message is its description.
      const first = SHARE_FIELDS.find((field) => found[field] !== undefined);
      if (first !== undefined) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setSending(true);
    try {
      const created = await createShareLink(api, shareLinkBody(studyId, values));
      setValues(EMPTY_SHARE_FORM);
      setPhase({ phase: 'created', created });
    } catch (error) {
      setRefusal(`Not shared: ${fullStop(describeError(error))}`);
    } finally {
      setSending(false);
    }
  };

  const copyLink = async (url: string): Promise<void> => {
    try {
      // Only in secure contexts (HTTPS, localhost), and the browser may refuse the permission.
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      urlRef.current?.focus();
      urlRef.current?.select();
      setCopy('selected');
    }
  };

  const openMyShares = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(ROUTES.myShares);
  };

  return (
    <div className="study-share" data-testid="study-share">
      {phase.phase === 'closed' && (
        <button
          type="button"
          className="button button--small"
          ref={shareButtonRef}
          aria-label={`Share ${label}`}
          aria-describedby={`${id}-share-hint`}
          onClick={() => setPhase({ phase: 'form' })}
        >
          Share…
        </button>
      )}
      {phase.phase === 'closed' && (
        <span className="hint study-share__hint" id={`${id}-share-hint`}>
          A link for a colleague without an account.
        </span>
      )}
      {phase.phase === 'form' && (
        <section className="action-form study-share__panel" aria-labelledby={`${id}-title`} data-testid="share-form">
          <h3 id={`${id}-title`} className="action-form__title" ref={headingRef} tabIndex={-1}>
            Share {label}
          </h3>
          <p className="hint">
            The recipient sees this one study, read-only, until the link expires or you revoke it under My shares.
          </p>
          <form onSubmit={(event) => void submit(event)} noValidate>
            <div className="form-grid">
              {SHARE_FIELDS.map((field) => {
                const fieldId = `${id}-${field}`;
                const spec = FIELDS[field];
                const problem = problems[field];
                const described = [problem === undefined ? '' : `${fieldId}-problem`, `${fieldId}-hint`]
                  .filter((part) => part !== '')
                  .join(' ');
                return (
                  <div key={field} className="field">
                    <label htmlFor={fieldId}>
                      {spec.label}
                      {spec.optional === true && <span className="required"> (optional)</span>}
                    </label>
                    <input
                      id={fieldId}
                      type={spec.type ?? 'text'}
                      inputMode={spec.inputMode}
                      min={spec.type === 'number' ? SHARE_DAYS.min : undefined}
                      max={spec.type === 'number' ? SHARE_DAYS.max : undefined}
                      maxLength={spec.maxLength}
                      autoComplete="off"
                      spellCheck={field === 'purpose' ? undefined : false}
                      required={spec.optional !== true}
                      value={values[field]}
                      aria-invalid={problem === undefined ? undefined : true}
                      aria-describedby={described}
                      onChange={(event) => setValues({ ...values, [field]: event.target.value })}
                    />
                    {problem !== undefined && (
                      <p className="field__problem" id={`${fieldId}-problem`}>
                        {problem}
                      </p>
                    )}
                    <p className="hint" id={`${fieldId}-hint`}>
                      {spec.hint}
                    </p>
                  </div>
                );
              })}
            </div>
            {refusal !== undefined && (
              <p className="notice notice--error" role="alert" data-testid="share-error">
                {refusal}
              </p>
            )}
            <div className="button-row">
              <button type="submit" className="button button--primary" disabled={sending}>
                {sending ? 'Creating the link…' : 'Create link'}
              </button>
              <button type="button" className="button button--quiet" onClick={close}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      )}
      {phase.phase === 'created' && (
        <div
          className="action-form study-share__panel study-share__result"
          role="group"
          aria-labelledby={`${id}-created`}
          tabIndex={-1}
          ref={resultRef}
          data-testid="share-created"
        >
          <h3 id={`${id}-created`} className="action-form__title">
            Link for {phase.created.link.recipient}
          </h3>
          <p className="study-share__once">This link is shown only once.</p>
          <p className="hint">
            Copy it now and send it to the recipient. If it is lost, revoke it under My shares and create a new one.
          </p>
          <div className="field">
            <label htmlFor={`${id}-url`}>Link</label>
            <div className="study-share__copy">
              <input
                id={`${id}-url`}
                ref={urlRef}
                className="study-share__url"
                type="text"
                readOnly
                value={phase.created.url}
                spellCheck={false}
                data-testid="share-url"
                onFocus={(event) => event.currentTarget.select()}
              />
              <button type="button" className="button" onClick={() => void copyLink(phase.created.url)}>
                Copy
              </button>
            </div>
            <p className="hint" role="status" data-testid="share-copy-status">
              {copy === 'copied'
                ? 'Copied to the clipboard.'
                : copy === 'selected'
                  ? 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.'
                  : ''}
            </p>
          </div>
          <p data-testid="share-expiry">
            Works until {formatDateTime(phase.created.expiresAt)}
            {phase.created.link.hasPin ? ', with the PIN you chose: tell it to the recipient by phone.' : '.'}
          </p>
          <div className="button-row">
            <button type="button" className="button button--primary" onClick={close}>
              Done
            </button>
            <a href={ROUTES.myShares} onClick={openMyShares}>
              My shares
            </a>
          </div>
        </div>
      )}
    </div>
  );
}
