import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { GroupNotFound, MembershipChangedMeanwhile, NotAnAdmin } from '@cmx/errors';
import { EVENT_STORE, EventStore, JsonObject } from '@cmx/event-store';
import { GroupKind, MEMBERSHIP_CHANGED, MembershipChangedData, MEMBERSHIPS_STREAM, PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { Actor, ApiCaller, ApiRefusals, AuditTrail, CallerParty, MembershipFollower, RequestActor } from '@cmx/platform';
import { ApiMembershipChange, MEMBERSHIPS_SCHEMA } from './memberships.openapi';
import { parseMembershipChange } from './parse-membership-change';

export interface Group {
  readonly id: string;
  readonly members: readonly string[];
}

export interface Memberships {
  /** Pass as expectedVersion to change a membership only if nobody else has meanwhile. */
  readonly version: number;
  readonly operations: readonly Group[];
  readonly taskForces: readonly Group[];
}

/**
 * Operation and task-force membership, open only to the parties file's admins.
 * Each change is an event; messages accepted afterwards are resolved against
 * it, messages accepted before keep the entitlement stored with them.
 */
@ApiTags('admin')
@ApiCaller()
@Controller('v1/admin')
export class MembershipsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly follower: MembershipFollower,
    private readonly audit: AuditTrail,
  ) {}

  @Get('memberships')
  @ApiOperation({ summary: 'Every operation and task force with its members', description: "Admins only (the parties file's `admins`)." })
  @ApiResponse({ status: 200, description: 'The memberships', schema: MEMBERSHIPS_SCHEMA })
  @ApiRefusals(['not_an_admin'])
  async memberships(@CallerParty() caller: string): Promise<Memberships> {
    this.assertAdmin(caller);
    await this.follower.catchUp();
    return this.view();
  }

  @Put('operations/:id/members')
  @ApiMembershipChange('operation')
  changeOperation(@Param('id') id: string, @Body() body: unknown, @Actor() caller: RequestActor): Promise<Memberships> {
    return this.change('operation', id, body, caller);
  }

  @Put('task-forces/:id/members')
  @ApiMembershipChange('task force')
  changeTaskForce(@Param('id') id: string, @Body() body: unknown, @Actor() caller: RequestActor): Promise<Memberships> {
    return this.change('taskForce', id, body, caller);
  }

  private async change(kind: GroupKind, id: string, body: unknown, actor: RequestActor): Promise<Memberships> {
    const caller = actor.party;
    this.assertAdmin(caller);
    if (this.directory.membersOf(kind, id) === undefined) throw new GroupNotFound(kind === 'operation' ? 'operation' : 'task force', id);
    const { members, expectedVersion } = parseMembershipChange(body, this.directory);
    const data: MembershipChangedData = { kind, id, members, changedBy: caller };
    // Before the change: a change never takes effect without its entry (one refused by a concurrent change leaves the attempt's).
    await this.audit.record(actor, { operation: 'admin', cases: [] });
    const result = await this.store.append(
      MEMBERSHIPS_STREAM,
      [{ id: randomUUID(), type: MEMBERSHIP_CHANGED, data: data as unknown as JsonObject, metadata: { changedBy: caller } }],
      expectedVersion ?? 'any',
    );
    if (result.outcome === 'version_conflict') throw new MembershipChangedMeanwhile(expectedVersion!, result.actualVersion);
    if (result.outcome !== 'appended') throw new Error(`membership change was not appended: ${result.outcome}`);
    await this.follower.catchUp();
    return this.view();
  }

  private assertAdmin(caller: string): void {
    if (!this.directory.admins.has(caller)) throw new NotAnAdmin(caller);
  }

  private view(): Memberships {
    const groups = (kind: GroupKind) => this.directory.groupIds(kind).map((id) => ({ id, members: this.directory.membersOf(kind, id)! }));
    return { version: this.directory.membershipsVersion(), operations: groups('operation'), taskForces: groups('taskForce') };
  }
}
