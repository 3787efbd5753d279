import { Controller, Get, Headers, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GroupNotFound } from '@cmx/errors';
import { GroupKind, PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { Actor, ApiCaller, ApiRefusals, AuditTrail, QueryParameters, RequestActor } from '@cmx/platform';
import { BOARD_LISTS, BoardKind, BoardListName, LocationItem, READ_MODEL_DATABASE, SqlDatabase, SqlValue } from '@cmx/read-models';
import { caseIdsOf, readBoardItems } from './board-items';
import { ApiBoardListQueries, ApiCaseListQueries, BOARD_ITEM_PAGE_SCHEMA, BOARD_SCHEMA, CASE_LIST_SCHEMA, LOCATIONS_GEO_JSON_SCHEMA } from './boards.openapi';
import { boardListQuery, encodeItemCursor, prefersGeoJson } from './board-list-query';
import { caseListFilter, encodeCursor } from './board-query';
import { locationsAsGeoJson } from './locations-geo-json';
import { RenderedBoards } from './rendered-boards';

/**
 * Operation and task-force boards, their case lists and the lists of their
 * cases' items, computed from the messages the caller is entitled to. Members
 * only: to anyone else a board does not exist (404, the same answer as for an
 * unknown id).
 */
@ApiTags('boards')
@ApiCaller()
@Controller('v1')
export class BoardsController {
  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly db: SqlDatabase,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly boards: RenderedBoards,
    private readonly audit: AuditTrail,
  ) {}

  @Get('operations/:id')
  @ApiOperation({ summary: 'The board of an operation', description: 'Members only: to anyone else the board does not exist (404, as for an unknown id).' })
  @ApiParam({ name: 'id', description: 'The an operation id', schema: { type: 'string' } })
  @ApiResponse({ status: 200, description: 'The board', schema: BOARD_SCHEMA })
  @ApiRefusals(['group_not_found', 'audit_unavailable'])
  operation(@Param('id') id: string, @Actor() actor: RequestActor, @Res() reply: FastifyReply): Promise<void> {
    return this.board('operation', id, actor, reply);
  }

  @Get('task-forces/:id')
  @ApiOperation({ summary: 'The board of a task force', description: 'Members only: to anyone else the board does not exist (404, as for an unknown id).' })
  @ApiParam({ name: 'id', description: 'The a task force id', schema: { type: 'string' } })
  @ApiResponse({ status: 200, description: 'The board', schema: BOARD_SCHEMA })
  @ApiRefusals(['group_not_found', 'audit_unavailable'])
  taskForce(@Param('id') id: string, @Actor() actor: RequestActor, @Res() reply: FastifyReply): Promise<void> {
    return this.board('taskForce', id, actor, reply);
  }

  @Get('operations/:id/cases')
  @ApiOperation({ summary: 'The cases of the board of an operation', description: 'Members only; filtered and paged by cursor, newest activity first.' })
  @ApiParam({ name: 'id', description: 'The an operation id', schema: { type: 'string' } })
  @ApiCaseListQueries()
  @ApiResponse({ status: 200, description: 'A page of the board’s cases', schema: CASE_LIST_SCHEMA })
  @ApiRefusals(['invalid_query', 'group_not_found', 'audit_unavailable'])
  operationCases(@Param('id') id: string, @Query() query: QueryParameters, @Actor() actor: RequestActor) {
    return this.cases('operation', id, query, actor);
  }

  @Get('task-forces/:id/cases')
  @ApiOperation({ summary: 'The cases of the board of a task force', description: 'Members only; filtered and paged by cursor, newest activity first.' })
  @ApiParam({ name: 'id', description: 'The a task force id', schema: { type: 'string' } })
  @ApiCaseListQueries()
  @ApiResponse({ status: 200, description: 'A page of the board’s cases', schema: CASE_LIST_SCHEMA })
  @ApiRefusals(['invalid_query', 'group_not_found', 'audit_unavailable'])
  taskForceCases(@Param('id') id: string, @Query() query: QueryParameters, @Actor() actor: RequestActor) {
    return this.cases('taskForce', id, query, actor);
  }

  /** GET …/{documents|vessels|vehicles|locations|interceptions|persons}: one list of the board, newest first, by pages. */
  @Get('operations/:id/:list')
  @ApiOperation({
    summary: 'One list of the board of an operation, whole, by pages',
    description:
      'documents (filters status, with `flagged` for stolen, lost, forged, counterfeit or impostor_use, and type), vessels, vehicles, locations (kind; ' +
      'as GeoJSON with `Accept: application/geo+json`), interceptions, persons (role). Members only; newest first.',
  })
  @ApiParam({ name: 'id', description: 'The an operation id', schema: { type: 'string' } })
  @ApiBoardListQueries()
  @ApiResponse({
    status: 200,
    description: 'A page of the list',
    content: { 'application/json': { schema: BOARD_ITEM_PAGE_SCHEMA }, 'application/geo+json': { schema: LOCATIONS_GEO_JSON_SCHEMA } },
  })
  @ApiRefusals(['invalid_query', 'group_not_found', 'route_not_found', 'audit_unavailable'])
  operationList(
    @Param('id') id: string,
    @Param('list') list: string,
    @Query() query: QueryParameters,
    @Headers('accept') accept: string | undefined,
    @Actor() actor: RequestActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.list('operation', id, list, query, accept, actor, reply);
  }

  @Get('task-forces/:id/:list')
  @ApiOperation({
    summary: 'One list of the board of a task force, whole, by pages',
    description:
      'documents (filters status, with `flagged` for stolen, lost, forged, counterfeit or impostor_use, and type), vessels, vehicles, locations (kind; ' +
      'as GeoJSON with `Accept: application/geo+json`), interceptions, persons (role). Members only; newest first.',
  })
  @ApiParam({ name: 'id', description: 'The a task force id', schema: { type: 'string' } })
  @ApiBoardListQueries()
  @ApiResponse({
    status: 200,
    description: 'A page of the list',
    content: { 'application/json': { schema: BOARD_ITEM_PAGE_SCHEMA }, 'application/geo+json': { schema: LOCATIONS_GEO_JSON_SCHEMA } },
  })
  @ApiRefusals(['invalid_query', 'group_not_found', 'route_not_found', 'audit_unavailable'])
  taskForceList(
    @Param('id') id: string,
    @Param('list') list: string,
    @Query() query: QueryParameters,
    @Headers('accept') accept: string | undefined,
    @Actor() actor: RequestActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.list('taskForce', id, list, query, accept, actor, reply);
  }

  private async board(kind: BoardKind, id: string, actor: RequestActor, reply: FastifyReply): Promise<void> {
    const members = this.membersFor(kind, id, actor.party);
    const board = await this.boards.board({ kind, id, members, reader: actor.party });
    await this.audit.record(actor, { operation: 'consult', cases: board.caseIds.map((caseId) => ({ caseId, messageIds: [] })) });
    await reply.type('application/json; charset=utf-8').send(board.body);
  }

  private async cases(kind: BoardKind, id: string, query: QueryParameters, actor: RequestActor) {
    const { party } = actor;
    const filter = caseListFilter(query);
    this.membersFor(kind, id, party);
    const conditions = ['reader = ?', 'kind = ?', 'group_id = ?'];
    const params: SqlValue[] = [party, kind, id];
    const where = (condition: string, value: SqlValue) => {
      conditions.push(condition);
      params.push(value);
    };
    if (filter.status) where('status = ?', filter.status);
    if (filter.route) where('route = ?', filter.route);
    if (filter.crimeArea) where('crime_areas LIKE ?', `%,${filter.crimeArea},%`);
    if (filter.updatedAfter) where('last_activity_at > ?', filter.updatedAfter);
    if (filter.after) {
      conditions.push('(last_activity_at < ? OR (last_activity_at = ? AND case_id < ?))');
      params.push(filter.after.lastActivityAt, filter.after.lastActivityAt, filter.after.caseId);
    }
    const rows = await this.db.query<{ listing: string }>(
      `SELECT listing FROM board_cases WHERE ${conditions.join(' AND ')} ORDER BY last_activity_at DESC, case_id DESC LIMIT ?`,
      [...params, filter.limit + 1],
    );
    const cases = rows.slice(0, filter.limit).map((row) => JSON.parse(row.listing) as { caseId: string; lastActivityAt: string });
    const last = cases[cases.length - 1];
    await this.audit.record(actor, { operation: 'consult', cases: cases.map((listed) => ({ caseId: listed.caseId, messageIds: [] })) });
    return { cases, nextCursor: rows.length > filter.limit ? encodeCursor({ lastActivityAt: last.lastActivityAt, caseId: last.caseId }) : null };
  }

  private async list(
    kind: BoardKind,
    id: string,
    list: string,
    query: QueryParameters,
    accept: string | undefined,
    actor: RequestActor,
    reply: FastifyReply,
  ): Promise<void> {
    if (!isBoardList(list)) throw new NotFoundException();
    const { filter, after, limit } = boardListQuery(list, query);
    this.membersFor(kind, id, actor.party);
    const geoJson = list === 'locations' && prefersGeoJson(accept);
    const request = { reader: actor.party, kind, id, list, filter: geoJson ? { ...filter, located: true } : filter, after, limit: limit + 1 };
    const rows = await readBoardItems(this.db, this.db.engine, request);
    const items = rows.slice(0, limit).map((row) => row.item);
    const nextCursor = rows.length > limit ? encodeItemCursor(rows[limit - 1].position) : null;
    await this.audit.record(actor, { operation: 'consult', cases: caseIdsOf(items).map((caseId) => ({ caseId, messageIds: [] })) });
    if (list === 'locations') reply.header('vary', 'Accept');
    if (geoJson) await reply.type('application/geo+json').send(JSON.stringify(locationsAsGeoJson(items as LocationItem[], nextCursor)));
    else await reply.type('application/json; charset=utf-8').send(JSON.stringify({ items, nextCursor }));
  }

  private membersFor(kind: GroupKind, id: string, party: string): readonly string[] {
    const members = this.directory.membersOf(kind, id);
    if (!members?.includes(party)) throw new GroupNotFound(kind === 'operation' ? 'operation' : 'task force', id);
    return members;
  }
}

const isBoardList = (list: string): list is BoardListName => (BOARD_LISTS as readonly string[]).includes(list);
