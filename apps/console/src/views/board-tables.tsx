import type { ReactNode } from 'react';
import type { BoardVehicle, BoardVessel, FlaggedDocument } from '../api/types';
import { utcTime, words } from '../format';
import { caseHash } from '../routes';

export interface Column<Item> {
  readonly title: string;
  readonly cell: (item: Item) => ReactNode;
  readonly numeric?: boolean;
}

export const caseColumn: Column<{ readonly caseId: string }> = { title: 'Case', cell: (item) => <a href={caseHash(item.caseId)}>{item.caseId}</a> };

const text = (value: string | undefined | null): string => (value === undefined || value === null || value === '' ? '—' : value);

export function ItemsTable<Item>({
  items,
  columns,
  caption,
  empty = 'None yet.',
}: {
  readonly items: readonly Item[];
  readonly columns: readonly Column<Item>[];
  readonly caption: string;
  readonly empty?: string;
}) {
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.title} scope="col" className={column.numeric ? 'number' : undefined}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={index}>
              {columns.map((column) => (
                <td key={column.title} className={column.numeric ? 'number' : undefined}>
                  {column.cell(item)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const DOCUMENT_COLUMNS: readonly Column<FlaggedDocument>[] = [
  caseColumn,
  { title: 'Type', cell: (item) => words(item.type) },
  { title: 'Number', cell: (item) => text(item.number) },
  { title: 'Issuing country', cell: (item) => text(item.issuingCountry) },
  { title: 'Status', cell: (item) => <span className={`status status-${item.status}`}>{words(item.status)}</span> },
];

export const VESSEL_COLUMNS: readonly Column<BoardVessel>[] = [
  caseColumn,
  { title: 'Name', cell: (item) => text(item.name) },
  { title: 'IMO', cell: (item) => text(item.imo) },
  { title: 'Flag', cell: (item) => text(item.flag) },
];

export const VEHICLE_COLUMNS: readonly Column<BoardVehicle>[] = [
  caseColumn,
  { title: 'Plate', cell: (item) => text(item.plate) },
  { title: 'Registration country', cell: (item) => text(item.registrationCountry) },
];

export const DocumentsTable = ({ items, caption }: { readonly items: readonly FlaggedDocument[]; readonly caption: string }) => (
  <ItemsTable items={items} columns={DOCUMENT_COLUMNS} caption={caption} empty="No flagged document on this board." />
);
export const VesselsTable = ({ items, caption }: { readonly items: readonly BoardVessel[]; readonly caption: string }) => (
  <ItemsTable items={items} columns={VESSEL_COLUMNS} caption={caption} empty="No vessel on this board." />
);
export const VehiclesTable = ({ items, caption }: { readonly items: readonly BoardVehicle[]; readonly caption: string }) => (
  <ItemsTable items={items} columns={VEHICLE_COLUMNS} caption={caption} empty="No vehicle on this board." />
);

/**
 * The columns of an item of one of the board's paged lists: the fields named first in this order, then any other
 * field the items have (the lists may carry more than the console knows of).
 */
export function columnsFor(items: readonly Record<string, unknown>[], preferred: readonly string[]): Column<Record<string, unknown>>[] {
  const present = new Set(items.flatMap((item) => Object.keys(item)));
  const names = [...preferred.filter((name) => present.has(name) || name === 'caseId'), ...[...present].filter((name) => !preferred.includes(name)).sort()];
  return names.map((name) =>
    name === 'caseId'
      ? (caseColumn as Column<Record<string, unknown>>)
      : { title: titleOf(name), cell: (item) => valueText(name, item[name]), numeric: items.some((item) => typeof item[name] === 'number') },
  );
}

function titleOf(field: string): string {
  const spaced = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function valueText(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /At$/.test(field) ? utcTime(value) : /^[a-z]+(_[a-z]+)+$/.test(value) ? words(value) : value;
  if (Array.isArray(value)) return value.map((entry) => valueText('', entry)).join(', ');
  return JSON.stringify(value);
}
