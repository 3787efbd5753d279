import { BoardsProjection } from './boards.projection';
import { CaseSummariesProjection } from './case-summaries.projection';
import type { Projection, ProjectionName, ProjectionOptions } from './projection';

/** A projection with nothing in memory; `startsEmpty` for a rebuild, which reads no row of the model it replaces. */
export function newProjection(name: ProjectionName, options: ProjectionOptions = {}): Projection {
  return name === 'boards' ? new BoardsProjection(options) : new CaseSummariesProjection(options);
}
