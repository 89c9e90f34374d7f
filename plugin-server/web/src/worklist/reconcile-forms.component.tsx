// The two decisions that need typing: MRN and accession by hand (with the warning when HL7 does
// not know them, and sending them anyway once radiology is sure), and "reference only" (a patient,
// no order). Each opens below the action bar with its first field focused.

import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { sentence } from '../format/format.ts';
import {
  ACCESSION_MAX_LENGTH,
  defaultManualForm,
  defaultReferenceMrn,
  manualAction,
  MRN_MAX_LENGTH,
  referenceOnlyAction,
  type ActionResult,
  type ManualForm,
} from './reconcile-request.ts';
import type { ReconcileAction, ReconciliationDetail } from './worklist.resource.ts';

type FormProps = {
  detail: ReconciliationDetail;
  busy: boolean;
  onSubmit: (action: ReconcileAction) => Promise<ActionResult>;
  onCancel: () => void;
};

function Problems({ problems }: { problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="notice notice--error" role="alert">
      <ul className="notice__list">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}

/** The required MRN input both forms start with (focused when the form opens). */
function MrnField(props: {
  id: string;
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>
        MRN <span className="required">(required)</span>
      </label>
      <input
        id={props.id}
        ref={props.inputRef}
        type="text"
        autoComplete="off"
        spellCheck={false}
        aria-required="true"
        maxLength={MRN_MAX_LENGTH}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

export function ManualEntryForm({ detail, busy, onSubmit, onCancel }: FormProps) {
  const id = useId();
  const [form, setForm] = useState<ManualForm>(() => defaultManualForm(detail));
  const [problems, setProblems] = useState<string[]>([]);
  /** The server's words when it does not know the MRN or accession (409). */
  const [warning, setWarning] = useState<string | undefined>(undefined);
  const mrnRef = useRef<HTMLInputElement>(null);
  const warningRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    mrnRef.current?.focus();
  }, []);
  useEffect(() => {
    if (warning !== undefined) warningRef.current?.focus();
  }, [warning]);

  const send = async (acceptUnknown: boolean): Promise<void> => {
    const built = manualAction(form, acceptUnknown);
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    setProblems([]);
    const result = await onSubmit(built.action);
    setWarning(result.ok ? undefined : result.unknownValues);
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void send(false);
  };
  // Changed values need checking again: the warning was about the old ones.
  const edit = (change: Partial<ManualForm>): void => {
    setForm({ ...form, ...change });
    setWarning(undefined);
  };
  const changeValues = (): void => {
    setWarning(undefined);
    mrnRef.current?.focus();
  };

  return (
    <form className="action-form" aria-labelledby={`${id}-title`} onSubmit={submit} data-testid="manual-form">
      <h3 id={`${id}-title`} className="action-form__title">
        Enter MRN and accession by hand
      </h3>
      <p className="hint">
        For a study whose order is not among the candidates. Values not known from HL7 are refused at first, with a
        warning.
      </p>
      <Problems problems={problems} />
      <div className="form-grid">
        <MrnField id={`${id}-mrn`} inputRef={mrnRef} value={form.mrn} onChange={(mrn) => edit({ mrn })} />
        <div className="field">
          <label htmlFor={`${id}-accession`}>Accession number</label>
          <input
            id={`${id}-accession`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={ACCESSION_MAX_LENGTH}
            value={form.accessionNumber}
            onChange={(event) => edit({ accessionNumber: event.target.value })}
          />
        </div>
      </div>
      {warning !== undefined && (
        <div
          className="notice notice--warning"
          role="alert"
          tabIndex={-1}
          ref={warningRef}
          data-testid="unknown-values-warning"
        >
          <p className="notice__title">Not known from HL7</p>
          <p>{sentence(warning)}</p>
          <p>
            Send it anyway only if you are sure the values are right: the study will carry them although no HL7 message
            announced them.
          </p>
          <div className="button-row">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void send(true)}>
              Send anyway
            </button>
            <button type="button" className="button" onClick={changeValues}>
              Change the values
            </button>
          </div>
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy || warning !== undefined}>
          {busy ? 'Sending…' : 'Apply MRN and accession'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function ReferenceOnlyForm({ detail, busy, onSubmit, onCancel }: FormProps) {
  const id = useId();
  const [mrn, setMrn] = useState(() => defaultReferenceMrn(detail));
  const [problems, setProblems] = useState<string[]>([]);
  const mrnRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    mrnRef.current?.focus();
  }, []);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const built = referenceOnlyAction(mrn);
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    setProblems([]);
    void onSubmit(built.action);
  };

  return (
    <form className="action-form" aria-labelledby={`${id}-title`} onSubmit={submit} data-testid="reference-form">
      <h3 id={`${id}-title`} className="action-form__title">
        Reference only
      </h3>
      <p className="hint">The study is kept for this patient as a reference; no order is attached.</p>
      <Problems problems={problems} />
      <MrnField id={`${id}-mrn`} inputRef={mrnRef} value={mrn} onChange={setMrn} />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Sending…' : 'Keep as reference'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
