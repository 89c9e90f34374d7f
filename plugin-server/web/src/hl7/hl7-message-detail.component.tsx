// One received HL7 message: what the bridge made of it, the raw message and the ACK we answered
// with, both as text in a <pre> (never as HTML), and re-processing when processing failed.

import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { ROUTES } from '../routing/router.ts';
import { formatPair, messageTextForDisplay, orDash } from './hl7-format.ts';
import { getMessage, reprocessMessage, type InboxMessage } from './hl7-messages.resource.ts';
import { DetailCard, DetailFrame } from './detail-frame.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useDetail } from './use-detail.ts';

type Action = { status: 'idle' } | { status: 'working' } | { status: 'done' } | { status: 'error'; message: string };

/**
 * The processor picks a re-queued message up at once: after a re-process, look again every second
 * while the message waits (pending), a few times at most, so the outcome shows without a click.
 */
const WATCH_INTERVAL_MS = 1000;
const WATCH_LOOKS = 15;

export function Hl7MessageDetail({ api, id, onChanged }: { api: ApiClient; id: number; onChanged: () => void }) {
  const load = useCallback((signal: AbortSignal) => getMessage(api, id, signal), [api, id]);
  const detail = useDetail(load);
  const [action, setAction] = useState<Action>({ status: 'idle' });
  const looksLeft = useRef(0);
  const waiting = detail.state.status === 'loaded' && detail.state.data.message.state === 'pending';
  useEffect(() => {
    if (!waiting || looksLeft.current <= 0) return undefined;
    looksLeft.current -= 1;
    const timer = window.setTimeout(detail.reload, WATCH_INTERVAL_MS);
    return () => window.clearTimeout(timer);
  }, [waiting, detail.state, detail.reload]);

  const reprocess = (): void => {
    setAction({ status: 'working' });
    reprocessMessage(api, id).then(
      () => {
        setAction({ status: 'done' });
        looksLeft.current = WATCH_LOOKS;
        detail.reload();
        onChanged();
      },
      (error: unknown) => setAction({ status: 'error', message: describeError(error) }),
    );
  };

  const message = detail.data?.message;
  return (
    <DetailFrame
      back={{ href: ROUTES.hl7Messages, label: 'All messages' }}
      title={message === undefined ? 'HL7 message' : `HL7 message ${message.control_id ?? `#${message.id}`}`}
      what="message"
      detail={detail}
    >
      {(data) => (
        <>
          <DetailCard id="message-summary" title="Summary">
            <MessageFacts message={data.message} />
            {data.message.state === 'failed' && (
              <div className="button-row">
                <button
                  type="button"
                  className="button button--primary"
                  onClick={reprocess}
                  disabled={action.status === 'working'}
                >
                  {action.status === 'working' ? 'Re-processing…' : 'Re-process'}
                </button>
                <span className="hint">Maps and applies the stored message again.</span>
              </div>
            )}
            {action.status === 'done' && (
              <p className="notice notice--success notice--after" role="status">
                The message was queued for processing again; its state above shows the outcome.
              </p>
            )}
            {action.status === 'error' && (
              <p className="notice notice--error notice--after" role="alert">
                Re-processing was refused: {fullStop(action.message)}
              </p>
            )}
          </DetailCard>
          <DetailCard id="message-raw" title="Message as received">
            <pre className="hl7-text" data-testid="hl7-raw-message">
              {messageTextForDisplay(data.rawText)}
            </pre>
          </DetailCard>
          <DetailCard id="message-ack" title="Acknowledgement sent">
            <pre className="hl7-text" data-testid="hl7-ack-message">
              {messageTextForDisplay(data.ackText)}
            </pre>
          </DetailCard>
        </>
      )}
    </DetailFrame>
  );
}

function MessageFacts({ message }: { message: InboxMessage }) {
  const error =
    message.error_code === null
      ? '–'
      : [message.error_code, message.error_detail].filter((part) => part !== null && part !== '').join(': ');
  return (
    <dl className="meta-list">
      <div>
        <dt>State</dt>
        <dd>
          <StateBadge state={message.state} />
        </dd>
      </div>
      <div>
        <dt>ACK code</dt>
        <dd>{orDash(message.ack_code)}</dd>
      </div>
      <div>
        <dt>Type and version</dt>
        <dd>
          {orDash(message.message_type)} · {orDash(message.version)}
        </dd>
      </div>
      <div>
        <dt>Control ID</dt>
        <dd>{orDash(message.control_id)}</dd>
      </div>
      <div>
        <dt>Received</dt>
        <dd>{formatDateTime(message.received_at)}</dd>
      </div>
      <div>
        <dt>Sender (application / facility)</dt>
        <dd>{formatPair(message.sending_application, message.sending_facility)}</dd>
      </div>
      <div>
        <dt>From address</dt>
        <dd>{orDash(message.remote_address)}</dd>
      </div>
      <div>
        <dt>Character set (MSH-18)</dt>
        <dd>{message.charset === null || message.charset === '' ? 'default' : message.charset}</dd>
      </div>
      <div>
        <dt>Acknowledgement mode</dt>
        <dd>
          {message.application_ack_type === null || message.application_ack_type === ''
            ? 'original'
            : `enhanced (MSH-16 ${message.application_ack_type})`}
        </dd>
      </div>
      <div>
        <dt>Batch</dt>
        <dd>{orDash(message.batch_control_id)}</dd>
      </div>
      <div>
        <dt>Processing attempts</dt>
        <dd>{message.attempts}</dd>
      </div>
      <div>
        <dt>{message.processed_at === null ? 'Next attempt' : 'Processed'}</dt>
        <dd>{formatDateTime(message.processed_at ?? message.next_attempt_at)}</dd>
      </div>
      <div className="meta-list__wide">
        <dt>Error</dt>
        <dd className={message.error_code === null ? undefined : 'text-problem'}>{error}</dd>
      </div>
    </dl>
  );
}
