import {
  BoardItemPosition,
  BoardKind,
  BoardListFilter,
  BoardListItems,
  BoardListName,
  facetConditionsOf,
  FLAGGED_DOCUMENT_CONDITION,
  SqlDatabase,
  SqlStatements,
  SqlValue,
} from '@cmx/read-models';

export interface BoardItemsRequest<List extends BoardListName = BoardListName> {
  readonly reader: string;
  readonly kind: BoardKind;
  readonly id: string;
  readonly list: List;
  readonly filter: BoardListFilter;
  /** The position of the last item of the page before. */
  readonly after?: BoardItemPosition;
  readonly limit: number;
}

export interface StoredBoardItem<List extends BoardListName = BoardListName> {
  readonly position: BoardItemPosition;
  readonly item: BoardListItems[List];
}

/**
 * The items of one list of a board, newest first: one range of board_items'
 * primary key, or of the index of the facet filtered by. SQLite is told which
 * index: without statistics its planner walks the primary key and filters,
 * reading every item of the list for a facet that few have.
 */
export async function readBoardItems<List extends BoardListName>(
  reads: Pick<SqlStatements, 'query'>,
  engine: SqlDatabase['engine'],
  { reader, kind, id, list, filter, after, limit }: BoardItemsRequest<List>,
): Promise<StoredBoardItem<List>[]> {
  const conditions = ['reader = ?', 'kind = ?', 'group_id = ?', 'list = ?'];
  const params: SqlValue[] = [reader, kind, id, list];
  const { facet, facet2 } = facetConditionsOf(filter);
  let index: string | undefined;
  if (filter.status === 'flagged') {
    conditions.push(FLAGGED_DOCUMENT_CONDITION);
    index = 'board_items_flagged';
  } else if (facet) {
    conditions.push('facet = ?');
    params.push(facet[0]);
    index = 'board_items_by_facet';
  }
  if (facet2 !== undefined) {
    conditions.push('facet2 = ?');
    params.push(facet2);
    index ??= 'board_items_by_facet2';
  }
  if (after) {
    conditions.push('(last_activity_at, case_id, item_index) < (?, ?, ?)');
    params.push(after.lastActivityAt, after.caseId, after.index);
  }
  const indexedBy = engine === 'sqlite' && index ? ` INDEXED BY ${index}` : '';
  const rows = await reads.query<{ case_id: string; last_activity_at: string; item_index: number; item: string }>(
    `SELECT case_id, last_activity_at, item_index, item FROM board_items${indexedBy} WHERE ${conditions.join(' AND ')}
     ORDER BY last_activity_at DESC, case_id DESC, item_index DESC LIMIT ?`,
    [...params, limit],
  );
  return rows.map((row) => ({
    position: { lastActivityAt: row.last_activity_at, caseId: row.case_id, index: Number(row.item_index) },
    item: { caseId: row.case_id, ...JSON.parse(row.item) },
  }));
}

/** The case ids of these items, each once, in the items' order: what a reader of them consulted. */
export const caseIdsOf = (items: readonly { readonly caseId: string }[]): string[] => [...new Set(items.map((item) => item.caseId))];
