import { Inject, Injectable } from '@nestjs/common';
import { EXCHANGE_CONFIG, ExchangeConfig } from '@cmx/platform';
import {
  BoardKind,
  BoardListFilter,
  BoardListName,
  boardOf,
  EMPTY_BOARD_TOTALS,
  READ_MODEL_DATABASE,
  RECENT_ITEMS,
  RECENT_LISTS,
  RecentLists,
  SqlDatabase,
  SqlStatements,
  StoredBoardTotals,
} from '@cmx/read-models';
import { caseIdsOf, readBoardItems } from './board-items';
import { ByteBoundedCache } from './byte-bounded-cache';

export interface BoardRequest {
  readonly kind: BoardKind;
  readonly id: string;
  readonly members: readonly string[];
  readonly reader: string;
}

interface RenderedBoard {
  readonly revision: string;
  readonly members: string;
  readonly body: Buffer;
  /** The cases the answer shows items of, each once: what a reader of it consulted (its figures are counts). */
  readonly caseIds: readonly string[];
  readonly byteLength: number;
}

export type BoardAnswer = Pick<RenderedBoard, 'body' | 'caseIds'>;

/** The revision of a board the projector has not written yet. */
const NO_ROWS = '';

/**
 * Boards as their readers last got them, by reader and board. The projector
 * gives a board a new revision in every transaction that changes it, so a
 * board is rendered again only when its revision or its members changed; one
 * read of the board's totals row tells. The least recently read are dropped
 * beyond BOARD_CACHE_MIB.
 */
@Injectable()
export class RenderedBoards {
  private readonly rendered: ByteBoundedCache<RenderedBoard>;
  /** Renders under way, so that readers asking for the same board at once share one. */
  private readonly rendering = new Map<string, Promise<RenderedBoard>>();

  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EXCHANGE_CONFIG) config: Pick<ExchangeConfig, 'boardCacheMiB'>,
  ) {
    this.rendered = new ByteBoundedCache(config.boardCacheMiB * 2 ** 20);
  }

  /** The board's JSON. */
  async body(request: BoardRequest): Promise<Buffer> {
    return (await this.board(request)).body;
  }

  /** The board's JSON and the cases it was computed from. */
  async board(request: BoardRequest): Promise<BoardAnswer> {
    const key = `${request.reader}\u0000${request.kind}\u0000${request.id}`;
    const members = request.members.join(',');
    const cached = this.rendered.get(key);
    if (cached && cached.members === members) {
      const totals = await totalsOf(this.db, request);
      if ((totals?.revision ?? NO_ROWS) === cached.revision) return cached;
    }
    const renderKey = `${key}\u0000${members}`;
    let rendering = this.rendering.get(renderKey);
    if (!rendering) {
      rendering = this.db
        .readSnapshot((reads) => render(reads, this.db.engine, request))
        .then((board) => ({ ...board, members, byteLength: board.body.length + board.caseIds.reduce((bytes, caseId) => bytes + caseId.length + 16, 0) }))
        .finally(() => this.rendering.delete(renderKey));
      this.rendering.set(renderKey, rendering);
    }
    const board = await rendering;
    this.rendered.set(key, board);
    return board;
  }
}

async function totalsOf(reads: Pick<SqlStatements, 'query'>, { reader, kind, id }: BoardRequest): Promise<StoredBoardTotals | undefined> {
  const [row] = await reads.query<{ body: string }>('SELECT body FROM boards WHERE reader = ? AND kind = ? AND group_id = ?', [reader, kind, id]);
  return row ? (JSON.parse(row.body) as StoredBoardTotals) : undefined;
}

/** The board's totals and the newest items of its lists, read in one snapshot so that they agree. */
async function render(
  reads: Pick<SqlStatements, 'query'>,
  engine: SqlDatabase['engine'],
  request: BoardRequest,
): Promise<Pick<RenderedBoard, 'revision' | 'body' | 'caseIds'>> {
  const totals = await totalsOf(reads, request);
  const { reader, kind, id } = request;
  const newest = async <List extends BoardListName>(list: List, filter: BoardListFilter = {}) =>
    (await readBoardItems(reads, engine, { reader, kind, id, list, filter, limit: RECENT_ITEMS })).map(({ item }) => item);
  const recent: RecentLists = {
    flaggedDocuments: await newest('documents', { status: 'flagged' }),
    vessels: await newest('vessels'),
    vehicles: await newest('vehicles'),
    locations: await newest('locations'),
  };
  const board = boardOf(request, totals ?? EMPTY_BOARD_TOTALS, recent);
  const caseIds = caseIdsOf(RECENT_LISTS.flatMap((list) => board[list].recent));
  return { revision: totals?.revision ?? NO_ROWS, body: Buffer.from(JSON.stringify(board)), caseIds };
}
