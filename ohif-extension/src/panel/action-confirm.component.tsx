import { useState, type FormEvent } from 'react';
import type { ActionInput, ActionSpec } from './panel-actions.ts';

// The confirmation of one action, with what it needs: a reason for a second read or a discard, an
// optional note for a reference, the destinations an archive goes to, the recipient, purpose and
// expiry of a share link. Nothing is sent before the physician confirms.

const DEFAULT_SHARE_DAYS = 7;
// The sidecar's default maximum (config sharing.maxExpiryDays); it refuses more with a clear message.
const MAX_SHARE_DAYS = 30;

export function ActionConfirm({
  spec,
  proposedDestinations,
  busy,
  onConfirm,
  onCancel,
}: {
  spec: ActionSpec;
  proposedDestinations: readonly string[];
  busy: boolean;
  onConfirm: (input: ActionInput) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState('');
  const [recipient, setRecipient] = useState('');
  const [purpose, setPurpose] = useState('');
  const [days, setDays] = useState(String(DEFAULT_SHARE_DAYS));
  const [pin, setPin] = useState('');

  const input = inputOf();
  function inputOf(): ActionInput | undefined {
    switch (spec.action) {
      case 'reference':
        return { action: 'reference', note: text };
      case 'secondRead':
        return text.trim() === '' ? undefined : { action: 'secondRead', reason: text };
      case 'archive':
        return { action: 'archive' };
      case 'discard':
        return text.trim() === '' ? undefined : { action: 'discard', reason: text };
      case 'share': {
        const expiresInDays = Number(days);
        const valid =
          recipient.trim() !== '' &&
          purpose.trim() !== '' &&
          Number.isInteger(expiresInDays) &&
          expiresInDays >= 1 &&
          expiresInDays <= MAX_SHARE_DAYS &&
          (pin === '' || /^\d{4,12}$/.test(pin));
        return valid
          ? { action: 'share', share: { recipient: recipient.trim(), purpose: purpose.trim(), expiresInDays, pin } }
          : undefined;
      }
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (input !== undefined && !busy) onConfirm(input);
  }

  return (
    <form className="outside-confirm" data-testid="outside-confirm" data-action={spec.action} onSubmit={submit}>
      <p>{spec.question}</p>
      {spec.action === 'reference' && (
        <label className="outside-field">
          <span>Note (optional)</span>
          <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} maxLength={500} autoFocus />
        </label>
      )}
      {(spec.action === 'secondRead' || spec.action === 'discard') && (
        <label className="outside-field">
          <span>Reason</span>
          <textarea
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={2}
            maxLength={500}
            required
            autoFocus
          />
        </label>
      )}
      {spec.action === 'archive' &&
        (proposedDestinations.length === 0 ? (
          <p className="outside-error-text">No routing rule chooses a destination for this study now.</p>
        ) : (
          <>
            <p>It will be sent to:</p>
            <ul>
              {proposedDestinations.map((destination) => (
                <li key={destination}>{destination}</li>
              ))}
            </ul>
          </>
        ))}
      {spec.action === 'share' && (
        <>
          <label className="outside-field">
            <span>Recipient</span>
            <input
              value={recipient}
              onChange={(event) => setRecipient(event.target.value)}
              maxLength={200}
              required
              autoFocus
            />
          </label>
          <label className="outside-field">
            <span>Purpose</span>
            <input value={purpose} onChange={(event) => setPurpose(event.target.value)} maxLength={500} required />
          </label>
          <label className="outside-field">
            <span>Expires in (days)</span>
            <input
              type="number"
              min={1}
              max={MAX_SHARE_DAYS}
              value={days}
              onChange={(event) => setDays(event.target.value)}
              required
            />
          </label>
          <label className="outside-field">
            <span>PIN (optional, 4 to 12 digits)</span>
            <input
              value={pin}
              onChange={(event) => setPin(event.target.value)}
              inputMode="numeric"
              pattern="[0-9]{4,12}"
              autoComplete="off"
            />
          </label>
        </>
      )}
      <div className="outside-confirm-buttons">
        <button
          type="submit"
          className={`outside-button ${spec.danger ? 'outside-button--danger' : 'outside-button--primary'}`}
          data-testid="outside-confirm-ok"
          disabled={busy || input === undefined}
          autoFocus={spec.action === 'archive'}
        >
          {busy ? 'Working…' : spec.confirmLabel}
        </button>
        <button
          type="button"
          className="outside-button"
          data-testid="outside-confirm-cancel"
          onClick={onCancel}
          disabled={busy}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
