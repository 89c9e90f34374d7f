// The routing rules' dry run: a study id in, the facts the saved rules look at, the destinations
// they choose and one line per rule tried (GET /api/studies/:id/routing-preview). Nothing is sent.

import { useId, useState, type FormEvent } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { fullStop } from '../format/format.ts';
import { orDash } from '../hl7/hl7-format.ts';
import { previewRouting, type RoutingPreview } from './routing-rules.resource.ts';
import { formatList } from './rule-drafts.ts';

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'loaded'; studyId: string; preview: RoutingPreview }
  | { status: 'error'; message: string };

export function RoutingPreviewBox({ api }: { api: ApiClient }) {
  const id = useId();
  const [studyId, setStudyId] = useState('');
  const [state, setState] = useState<PreviewState>({ status: 'idle' });

  const run = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const wanted = studyId.trim();
    if (wanted === '') {
      setState({ status: 'error', message: 'Enter the id of a study (as the sidecar names it).' });
      return;
    }
    setState({ status: 'loading' });
    try {
      setState({ status: 'loaded', studyId: wanted, preview: await previewRouting(api, wanted) });
    } catch (error) {
      setState({ status: 'error', message: `No dry run: ${fullStop(describeError(error))}` });
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="routing-preview">
      <h2 id={`${id}-title`} className="card__title">
        Dry run
      </h2>
      <p className="hint">Where a study would go with the saved rules, and why. Nothing is sent.</p>
      <form className="filter-bar filter-bar--plain" onSubmit={(event) => void run(event)}>
        <div className="field field--grow">
          <label htmlFor={`${id}-study`}>Study id</label>
          <input
            id={`${id}-study`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={studyId}
            onChange={(event) => setStudyId(event.target.value)}
          />
        </div>
        <div className="filter-bar__actions">
          <button type="submit" className="button button--primary" disabled={state.status === 'loading'}>
            {state.status === 'loading' ? 'Checking…' : 'Dry run'}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite" data-testid="routing-preview-result">
        {state.status === 'error' && <p className="notice notice--error notice--after">{state.message}</p>}
        {state.status === 'loaded' && <PreviewResult studyId={state.studyId} preview={state.preview} />}
      </div>
    </section>
  );
}

function PreviewResult({ studyId, preview }: { studyId: string; preview: RoutingPreview }) {
  const { facts, decision } = preview;
  return (
    <div className="stack stack--tight preview">
      <p className="preview__decision" data-testid="routing-preview-decision">
        {decision.destinations.length === 0
          ? `Study ${studyId} would go nowhere: no rule sends it anywhere.`
          : `Study ${studyId} would go to ${formatList(decision.destinations)}${decision.ruleName === null ? '' : `, by the rule “${decision.ruleName}”`}.`}
      </p>
      <dl className="meta-list">
        <div>
          <dt>Department</dt>
          <dd>{orDash(facts.department)}</dd>
        </div>
        <div>
          <dt>Modalities</dt>
          <dd>{facts.modalities.length === 0 ? '–' : formatList(facts.modalities)}</dd>
        </div>
        <div>
          <dt>Procedure code</dt>
          <dd>{orDash(facts.procedureCode)}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{orDash(facts.source)}</dd>
        </div>
      </dl>
      <h3 className="subheading">Rules tried</h3>
      <ol className="plain-list" data-testid="routing-preview-explanation">
        {decision.explanation.map((line, index) => (
          <li key={`${index}-${line}`}>{line}</li>
        ))}
      </ol>
    </div>
  );
}
