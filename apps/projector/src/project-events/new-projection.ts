import { BoardsProjection } from './boards.projection';
import { CaseSummariesProjection } from './case-summaries.projection';
import type { Projection, ProjectionName } from './projection';

/** A projection with nothing in memory; `startsEmpty` for a rebuild, which reads no row of the model it replaces. */
export function newProjection(name: ProjectionName, startsEmpty = false): Projection {
  return name === 'boards' ? new BoardsProjection(startsEmpty) : new CaseSummariesProjection(startsEmpty);
}
