// The form that creates or changes a DICOM C-STORE destination: name (on create only: rules refer
// to it), AE title, host, port, how many studies are sent at once, enabled. Problems are shown at
// their field before anything is sent; the server's refusal (e.g. a loopback host) under the form.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { fullStop } from '../format/format.ts';
import {
  destinationFormProblems,
  hasProblems,
  type DestinationField,
  type DestinationFormProblems,
  type DestinationFormValues,
} from './destination-form.ts';

export type FormOutcome = { ok: true } | { ok: false; message: string };

const FIELDS: readonly {
  key: DestinationField;
  label: string;
  hint?: string;
  inputMode?: 'numeric';
  createOnly?: boolean;
}[] = [
  { key: 'name', label: 'Name', hint: 'Letters, digits, - and _; routing rules use it.', createOnly: true },
  { key: 'aet', label: 'AE title', hint: 'The called AE title of the archive.' },
  { key: 'host', label: 'Host', hint: 'Host name or IP address the archive listens on.' },
  { key: 'port', label: 'Port', inputMode: 'numeric' },
  { key: 'concurrency', label: 'Studies sent at once', hint: '1 to 8.', inputMode: 'numeric' },
];

export function DestinationForm({
  mode,
  initial,
  onSubmit,
  onCancel,
}: {
  mode: 'create' | 'edit';
  initial: DestinationFormValues;
  onSubmit: (values: DestinationFormValues) => Promise<FormOutcome>;
  onCancel: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [problems, setProblems] = useState<DestinationFormProblems>({});
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const found = destinationFormProblems(values, mode);
    setProblems(found);
    setRefusal(undefined);
    if (hasProblems(found)) {
      // The first field with a problem takes the focus; its message is its description.
      const first = FIELDS.find((field) => found[field.key] !== undefined);
      if (first !== undefined)
        formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${first.key}`)}`)?.focus();
      return;
    }
    setSending(true);
    const outcome = await onSubmit(values);
    setSending(false);
    if (!outcome.ok) setRefusal(outcome.message);
  };

  const title = mode === 'create' ? 'New DICOM destination' : `Change ${initial.name}`;
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="destination-form">
      <h2 id={`${id}-title`} className="card__title" ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <form ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
        <div className="form-grid form-grid--three">
          {FIELDS.filter((field) => mode === 'create' || field.createOnly !== true).map((field) => {
            const fieldId = `${id}-${field.key}`;
            const problem = problems[field.key];
            const described = [
              problem === undefined ? '' : `${fieldId}-problem`,
              field.hint === undefined ? '' : `${fieldId}-hint`,
            ]
              .filter((part) => part !== '')
              .join(' ');
            return (
              <div key={field.key} className="field">
                <label htmlFor={fieldId}>{field.label}</label>
                <input
                  id={fieldId}
                  type="text"
                  inputMode={field.inputMode}
                  autoComplete="off"
                  spellCheck={false}
                  value={values[field.key]}
                  aria-invalid={problem === undefined ? undefined : true}
                  aria-describedby={described === '' ? undefined : described}
                  onChange={(event) => setValues({ ...values, [field.key]: event.target.value })}
                />
                {problem !== undefined && (
                  <p className="field__problem" id={`${fieldId}-problem`}>
                    {problem}
                  </p>
                )}
                {field.hint !== undefined && (
                  <p className="hint" id={`${fieldId}-hint`}>
                    {field.hint}
                  </p>
                )}
              </div>
            );
          })}
          <div className="field field--checkbox">
            <label htmlFor={`${id}-enabled`}>
              <input
                id={`${id}-enabled`}
                type="checkbox"
                checked={values.enabled}
                onChange={(event) => setValues({ ...values, enabled: event.target.checked })}
              />{' '}
              Enabled
            </label>
            <p className="hint">A disabled destination gets no new deliveries and is not known to Orthanc.</p>
          </div>
          <div className="field field--checkbox">
            <label htmlFor={`${id}-commitment`}>
              <input
                id={`${id}-commitment`}
                type="checkbox"
                checked={values.storageCommitment}
                onChange={(event) => setValues({ ...values, storageCommitment: event.target.checked })}
              />{' '}
              Storage commitment
            </label>
            <p className="hint">
              Confirm each delivery with a storage commitment report. The destination must know this system&apos;s AE
              title.
            </p>
          </div>
        </div>
        {refusal !== undefined && (
          <p className="notice notice--error" role="alert">
            Not saved: {fullStop(refusal)}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={sending}>
            {sending ? 'Saving…' : mode === 'create' ? 'Create destination' : 'Save changes'}
          </button>
          <button type="button" className="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
