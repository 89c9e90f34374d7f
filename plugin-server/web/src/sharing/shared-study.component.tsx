// The page a share link opens (/share#<token>), for a clinician outside the hospital who has no
// account: no session, no login page. The token is read from the fragment, taken out of the
// address bar and the history at once, and kept in memory only; it is exchanged (with the PIN when
// the link has one) for a viewer session on the one study, and the browser goes to the viewer.

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { openSharedStudy } from './share-links.resource.ts';
import { enteredPinProblem, isViewerPath, openRefusal } from './share-open.ts';
import { tokenFromHash } from './share-token.ts';

type Step =
  | { step: 'no-link' }
  | { step: 'opening' }
  | { step: 'pin'; sending: boolean; problem?: string; refused?: string }
  | { step: 'closed'; message: string }
  | { step: 'failed'; message: string; pin: string | undefined }
  | { step: 'opened' };

/** Takes the fragment out of the address bar and replaces the history entry that held it. */
function forgetFragment(): void {
  if (window.location.hash === '') return;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
}

export function SharedStudyPage({ api }: { api: ApiClient }) {
  const id = useId();
  // Read once, before the effect below clears the fragment; never written anywhere else.
  const [token] = useState(() => tokenFromHash(window.location.hash));
  const [step, setStep] = useState<Step>(() => (token === undefined ? { step: 'no-link' } : { step: 'opening' }));
  const [pin, setPin] = useState('');
  const [attempt, setAttempt] = useState(0);
  const started = useRef(false);
  const pinRef = useRef<HTMLInputElement>(null);
  const messageRef = useRef<HTMLDivElement>(null);

  const open = useCallback(
    async (enteredPin: string | undefined): Promise<void> => {
      if (token === undefined) return;
      try {
        const opened = await openSharedStudy(api, token, enteredPin);
        if (!isViewerPath(opened.viewerUrl)) {
          setStep({
            step: 'failed',
            message: 'The server named a viewer address this page does not trust.',
            pin: enteredPin,
          });
          return;
        }
        setStep({ step: 'opened' });
        // replace: Back from the viewer does not return to a page that can no longer open anything.
        window.location.replace(opened.viewerUrl);
      } catch (error) {
        const refusal = openRefusal(error);
        switch (refusal.kind) {
          case 'pin-required':
            setStep({ step: 'pin', sending: false });
            break;
          case 'wrong-pin':
            setPin('');
            setStep({ step: 'pin', sending: false, refused: refusal.message });
            break;
          case 'closed':
            setStep({ step: 'closed', message: refusal.message });
            break;
          case 'failed':
            setStep({ step: 'failed', message: refusal.message, pin: enteredPin });
            break;
        }
        setAttempt((value) => value + 1);
      }
    },
    [api, token],
  );

  useEffect(() => {
    forgetFragment();
    // Once per page, also when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    void open(undefined);
  }, [open]);

  // The PIN field takes the focus when it appears and after a wrong PIN; a final message otherwise.
  const showsPin = step.step === 'pin';
  useEffect(() => {
    if (attempt === 0) return;
    if (showsPin) pinRef.current?.focus();
    else messageRef.current?.focus();
  }, [attempt, showsPin]);

  const submitPin = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (step.step !== 'pin' || step.sending) return;
    const problem = enteredPinProblem(pin);
    if (problem !== undefined) {
      setStep({ step: 'pin', sending: false, problem });
      pinRef.current?.focus();
      return;
    }
    setStep({ step: 'pin', sending: true });
    void open(pin.trim());
  };

  const pinDescribedBy =
    step.step === 'pin'
      ? [step.problem === undefined ? '' : `${id}-pin-problem`, `${id}-pin-hint`]
          .filter((part) => part !== '')
          .join(' ')
      : undefined;

  return (
    <main className="page page--centered" id="main">
      <div className="shared-study" data-testid="shared-study" data-step={step.step}>
        <p className="shared-study__brand">Outside Studies</p>
        <h1 className="shared-study__title">Outside study shared with you</h1>
        <p className="shared-study__intro">
          A clinician has shared the images of one imaging study with you. It opens read-only in your browser; you do
          not need an account.
        </p>
        <div className="card shared-study__card">
          {step.step === 'opening' && (
            <p className="muted" role="status">
              Checking the link…
            </p>
          )}
          {step.step === 'opened' && (
            <p className="muted" role="status">
              Opening the viewer…
            </p>
          )}
          {step.step === 'no-link' && (
            <div className="notice notice--info" role="alert" ref={messageRef} tabIndex={-1}>
              <p className="notice__title">There is no link to open.</p>
              <p className="notice__text">
                Open the complete link from the message you received. For your privacy the link is removed from the
                address bar once it is opened, so reloading this page does not open the study again.
              </p>
            </div>
          )}
          {(step.step === 'closed' || step.step === 'failed') && (
            <div
              className="notice notice--error"
              role="alert"
              ref={messageRef}
              tabIndex={-1}
              data-testid="shared-study-error"
            >
              <p className="notice__text">{step.message}</p>
            </div>
          )}
          {step.step === 'failed' && (
            <div className="button-row">
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  setStep(step.pin === undefined ? { step: 'opening' } : { step: 'pin', sending: true });
                  void open(step.pin);
                }}
              >
                Try again
              </button>
            </div>
          )}
          {step.step === 'pin' && (
            <form onSubmit={submitPin} noValidate aria-labelledby={`${id}-pin-title`} data-testid="share-pin-form">
              <h2 id={`${id}-pin-title`} className="card__title">
                This link is protected by a PIN
              </h2>
              {step.refused !== undefined && (
                <p className="notice notice--error" role="alert" data-testid="shared-study-error">
                  {step.refused}
                </p>
              )}
              <div className="field">
                <label htmlFor={`${id}-pin`}>PIN</label>
                <input
                  id={`${id}-pin`}
                  ref={pinRef}
                  className="shared-study__pin"
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={12}
                  autoFocus
                  value={pin}
                  aria-invalid={step.problem === undefined ? undefined : true}
                  aria-describedby={pinDescribedBy}
                  onChange={(event) => setPin(event.target.value)}
                />
                {step.problem !== undefined && (
                  <p className="field__problem" id={`${id}-pin-problem`}>
                    {step.problem}
                  </p>
                )}
                <p className="hint" id={`${id}-pin-hint`}>
                  The person who shared the study gives you the PIN separately, for example by phone.
                </p>
              </div>
              <button type="submit" className="button button--primary button--block" disabled={step.sending}>
                {step.sending ? 'Opening…' : 'Open the study'}
              </button>
            </form>
          )}
        </div>
        <p className="hint shared-study__footer">
          The study is shared for your care of this patient only. Do not pass the link on; ask the sender if a colleague
          needs to see it too.
        </p>
      </div>
    </main>
  );
}
