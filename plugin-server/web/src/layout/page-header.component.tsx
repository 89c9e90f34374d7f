// The top of a list page: its title, what it lists, Refresh, and the filter form when it has one.

import type { ReactNode } from 'react';
import { FilterForm, type FilterField } from '../hl7/filter-form.component.tsx';

export type PageFilter<Filter extends Readonly<Record<string, string>>> = {
  /** The form's accessible name, e.g. "Filter orders". */
  label: string;
  fields: readonly FilterField<Filter>[];
  value: Filter;
  empty: Filter;
  onSearch: (filter: Filter) => void;
};

export function PageHeader<Filter extends Readonly<Record<string, string>>>({
  title,
  subtitle,
  loading,
  onRefresh,
  filter,
}: {
  title: string;
  subtitle?: ReactNode;
  /** A request is under way: Refresh waits for it. */
  loading: boolean;
  onRefresh: () => void;
  filter?: PageFilter<Filter>;
}) {
  return (
    <>
      <header className="page-header">
        {subtitle === undefined ? (
          <h1>{title}</h1>
        ) : (
          <div>
            <h1>{title}</h1>
            <p className="hint page-header__subtitle">{subtitle}</p>
          </div>
        )}
        <button type="button" className="button" onClick={onRefresh} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {filter !== undefined && (
        <FilterForm
          label={filter.label}
          fields={filter.fields}
          filter={filter.value}
          emptyFilter={filter.empty}
          onSearch={filter.onSearch}
        />
      )}
    </>
  );
}
