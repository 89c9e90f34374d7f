// The filter bar above an HL7 list: the fields a page declares, Search (text fields trimmed) and
// Clear (back to the empty filter). The list is searched only on submit, not while typing.

import { useId, useState, type FormEvent } from 'react';

type FieldBase<Filter> = {
  key: keyof Filter & string;
  label: string;
  /** Ends the element id (`<form id>-<idSuffix>`), which ties the label to the control. */
  idSuffix: string;
};

export type FilterField<Filter> = FieldBase<Filter> &
  (
    | { kind: 'text'; placeholder?: string }
    | { kind: 'date' }
    /** A whole number (e.g. days), at least `min`. */
    | { kind: 'number'; min: number }
    | {
        kind: 'select';
        /** Shown for the empty value, e.g. "Any state". */
        anyLabel: string;
        options: readonly string[];
        optionLabel: (option: string) => string;
      }
  );

export function FilterForm<Filter extends Readonly<Record<string, string>>>({
  label,
  fields,
  filter,
  emptyFilter,
  onSearch,
}: {
  /** The form's accessible name, e.g. "Filter orders". */
  label: string;
  fields: readonly FilterField<Filter>[];
  filter: Filter;
  emptyFilter: Filter;
  onSearch: (filter: Filter) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch(
      fields.reduce<Filter>(
        (trimmed, field) =>
          field.kind === 'text' || field.kind === 'number'
            ? { ...trimmed, [field.key]: (trimmed[field.key] ?? '').trim() }
            : trimmed,
        draft,
      ),
    );
  };
  const clear = (): void => {
    setDraft(emptyFilter);
    onSearch(emptyFilter);
  };
  return (
    <form className="filter-bar" role="search" aria-label={label} onSubmit={submit}>
      {fields.map((field) => {
        const fieldId = `${id}-${field.idSuffix}`;
        const set = (value: string): void => setDraft({ ...draft, [field.key]: value });
        return (
          <div key={field.key} className={field.kind === 'text' ? 'field field--grow' : 'field'}>
            <label htmlFor={fieldId}>{field.label}</label>
            {field.kind === 'select' ? (
              <select
                id={fieldId}
                value={draft[field.key]}
                onChange={(event) => set(field.options.find((option) => option === event.target.value) ?? '')}
              >
                <option value="">{field.anyLabel}</option>
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {field.optionLabel(option)}
                  </option>
                ))}
              </select>
            ) : field.kind === 'date' ? (
              <input id={fieldId} type="date" value={draft[field.key]} onChange={(event) => set(event.target.value)} />
            ) : field.kind === 'number' ? (
              <input
                id={fieldId}
                type="number"
                inputMode="numeric"
                min={field.min}
                step={1}
                className="input--number"
                value={draft[field.key]}
                onChange={(event) => set(event.target.value)}
              />
            ) : (
              <input
                id={fieldId}
                type="text"
                placeholder={field.placeholder}
                autoComplete="off"
                spellCheck={false}
                value={draft[field.key]}
                onChange={(event) => set(event.target.value)}
              />
            )}
          </div>
        );
      })}
      <div className="filter-bar__actions">
        <button type="submit" className="button button--primary">
          Search
        </button>
        <button type="button" className="button button--quiet" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
