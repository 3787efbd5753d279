import { type Board, type BoardKind, boardView } from '@cmx/read-models';

/** The board of a group none of whose cases the reader has seen yet. */
export const emptyBoard = (kind: BoardKind, id: string): Board => boardView({ reader: '', cases: {} }, { kind, id, members: [] });
