// A table of rows described by its columns: a header and a cell per column, one row per item (HL7
// lists, destinations, a route job's history). Lists use it with `table--rows`, the tables inside
// a detail view with `table--compact`.

import type { ReactNode } from 'react';

export type Column<Row> = {
  /** The column's heading, also its React key. */
  header: string;
  /** Heading read by screen readers only (e.g. an action column). */
  hiddenHeader?: boolean;
  headerClassName?: string;
  className?: string;
  cell: (row: Row) => ReactNode;
};

export function DataTable<Row extends { id: number | string }>({
  className,
  testId,
  caption,
  captionVisible = false,
  rowTestId,
  columns,
  rows,
}: {
  className: string;
  testId: string;
  /** Read by screen readers only, unless `captionVisible`. */
  caption?: string;
  captionVisible?: boolean;
  rowTestId?: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
}) {
  return (
    <div className="table-wrap">
      <table className={className} data-testid={testId}>
        {caption !== undefined && (
          <caption className={captionVisible ? undefined : 'visually-hidden'}>{caption}</caption>
        )}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.headerClassName}>
                {column.hiddenHeader === true ? (
                  <span className="visually-hidden">{column.header}</span>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={rowTestId}>
              {columns.map((column) => (
                <td key={column.header} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
