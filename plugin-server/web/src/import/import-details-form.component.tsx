// Who the images are for and where they go: the department (it decides routing later), the source,
// and optionally the local MRN with the name and birth date as our records have them. The outside
// identifiers are never changed here; a mismatch with the media is reported as a warning.

import { useId, type FormEvent } from 'react';
import { DEPARTMENT_LABELS, type ImportDetails } from './import-request.ts';
import { DEPARTMENTS, type Department } from './imports.resource.ts';

export function ImportDetailsForm({
  details,
  onChange,
  onSubmit,
  problem,
  submitLabel,
}: {
  details: ImportDetails;
  onChange: (details: ImportDetails) => void;
  onSubmit: () => void;
  problem: string | undefined;
  submitLabel: string;
}) {
  const id = useId();
  const set =
    <K extends keyof ImportDetails>(key: K) =>
    (value: ImportDetails[K]): void => {
      onChange({ ...details, [key]: value });
    };
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-heading`} noValidate>
      <h2 id={`${id}-heading`} className="card__title">
        3. Identify and upload
      </h2>
      {problem !== undefined && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-department`}>
            Department <span className="required">(required)</span>
          </label>
          <select
            id={`${id}-department`}
            required
            value={details.department}
            onChange={(event) => set('department')(departmentOf(event.target.value))}
          >
            <option value="">Choose…</option>
            {DEPARTMENTS.map((department) => (
              <option key={department} value={department}>
                {DEPARTMENT_LABELS[department]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>
            Source <span className="required">(required)</span>
          </label>
          <input
            id={`${id}-source`}
            required
            maxLength={200}
            value={details.sourceLabel}
            aria-describedby={`${id}-source-hint`}
            onChange={(event) => set('sourceLabel')(event.target.value)}
          />
          <p id={`${id}-source-hint`} className="hint">
            The hospital or the label on the disc.
          </p>
        </div>
      </div>
      <fieldset className="fieldset">
        <legend>Local patient (optional; can be done later)</legend>
        <div className="form-grid form-grid--three">
          <div className="field">
            <label htmlFor={`${id}-mrn`}>Local MRN</label>
            <input
              id={`${id}-mrn`}
              name="mrn"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
              value={details.mrn}
              aria-describedby={`${id}-mrn-hint`}
              onChange={(event) => set('mrn')(event.target.value)}
            />
            <p id={`${id}-mrn-hint`} className="hint">
              Our medical record number for this patient.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-name`}>Name in our records</label>
            <input
              id={`${id}-name`}
              autoComplete="off"
              maxLength={200}
              value={details.name}
              aria-describedby={`${id}-name-hint`}
              onChange={(event) => set('name')(event.target.value)}
            />
            <p id={`${id}-name-hint`} className="hint">
              Family name, given name.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-birth-date`}>Birth date in our records</label>
            <input
              id={`${id}-birth-date`}
              type="date"
              value={details.birthDate}
              onChange={(event) => set('birthDate')(event.target.value)}
            />
          </div>
        </div>
        <p className="hint">If these differ from what the medium says, the report shows a warning.</p>
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button button--primary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function departmentOf(value: string): Department | '' {
  return DEPARTMENTS.find((department) => department === value) ?? '';
}
