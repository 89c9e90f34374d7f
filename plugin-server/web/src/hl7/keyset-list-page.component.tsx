// The frame of every HL7 list page (messages, orders, patients, outbox): section navigation,
// heading with Refresh, filter bar, list status, the table, Newer / Older. A page declares only
// what differs: its list (use-keyset-list.ts over its resource), filter fields, columns and,
// where rows open, the detail view shown for ?id=.

import { PageHeader } from '../layout/page-header.component.tsx';
import type { ReactNode } from 'react';
import { useQueryParameter, type RoutePath } from '../routing/router.ts';
import { DataTable, type Column } from './data-table.component.tsx';
import type { FilterField } from './filter-form.component.tsx';
import { Hl7SectionNav } from './hl7-section-nav.component.tsx';
import { ListStatus } from './list-status.component.tsx';
import { NotFound } from './not-found.component.tsx';
import { PagingControls } from './paging-controls.component.tsx';
import { idFromQuery } from './use-detail.ts';
import { useReturnFocus } from './use-detail-focus.ts';
import type { KeysetList } from './use-keyset-list.ts';

export type KeysetListPageProps<Filter extends Readonly<Record<string, string>>, Row extends { id: number }> = {
  route: RoutePath;
  title: string;
  subtitle?: string;
  list: KeysetList<Filter, Row>;
  filter: { label: string; fields: readonly FilterField<Filter>[]; empty: Filter };
  /** Singular and plural, e.g. ['order', 'orders']. */
  noun: readonly [string, string];
  /** The paging navigation's name, e.g. "Order pages". */
  pagesLabel: string;
  table: { testId: string; caption: string; rowTestId: string; columns: readonly Column<Row>[] };
  /** Shown between the filter bar and the list status (e.g. the outcome of an action). */
  notice?: ReactNode;
  /** For lists whose rows open a detail at ?id=. */
  detail?: { what: string; backLabel: string; render: (id: number) => ReactNode };
};

export function KeysetListPage<Filter extends Readonly<Record<string, string>>, Row extends { id: number }>(
  props: KeysetListPageProps<Filter, Row>,
) {
  return (
    <div className="stack">
      <Hl7SectionNav current={props.route} />
      <KeysetListView {...props} />
    </div>
  );
}

function KeysetListView<Filter extends Readonly<Record<string, string>>, Row extends { id: number }>({
  route,
  title,
  subtitle,
  list,
  filter,
  noun,
  pagesLabel,
  table,
  notice,
  detail,
}: KeysetListPageProps<Filter, Row>) {
  const query = useQueryParameter('id');
  const opened = detail === undefined ? '' : query;
  const listRef = useReturnFocus(opened);

  if (detail !== undefined && opened !== '') {
    const id = idFromQuery(opened);
    return id === undefined ? (
      <NotFound what={detail.what} back={{ href: route, label: detail.backLabel }} />
    ) : (
      detail.render(id)
    );
  }
  const loading = list.state.status === 'loading';
  return (
    <div className="stack" ref={listRef}>
      <PageHeader
        title={title}
        subtitle={subtitle}
        loading={loading}
        onRefresh={list.refresh}
        filter={{ ...filter, value: list.filter, onSearch: list.search }}
      />
      {notice}
      <ListStatus state={list.state} shown={list.shown} noun={noun} filtered={list.filtered} />
      {list.shown !== undefined && list.shown.rows.length > 0 && (
        <DataTable
          className="table table--rows"
          testId={table.testId}
          caption={table.caption}
          rowTestId={table.rowTestId}
          columns={table.columns}
          rows={list.shown.rows}
        />
      )}
      <PagingControls label={pagesLabel} pageNumber={list.pageNumber} newer={list.newer} older={list.older} />
    </div>
  );
}
