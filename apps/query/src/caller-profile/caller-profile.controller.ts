import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GroupKind, PARTY_DIRECTORY, PartyDirectory, PartyKind } from '@cmx/parties';
import { ApiCaller, ApiRefusals, CallerParty, MembershipFollower } from '@cmx/platform';
import { CALLER_PROFILE_SCHEMA } from './caller-profile.openapi';

export interface GroupMembership {
  readonly id: string;
  readonly members: readonly string[];
}

/** GET /v1/me: who the API key belongs to, and the operations and task forces whose boards it may read. */
export interface CallerProfile {
  readonly party: string;
  readonly kind: PartyKind;
  readonly admin: boolean;
  readonly operations: readonly GroupMembership[];
  readonly taskForces: readonly GroupMembership[];
}

/**
 * The caller's own party and the groups it is a member of, as they are now: an admin may have changed a
 * membership through another process, so the changes stored since the last one applied are read first.
 */
@ApiTags('caller')
@ApiCaller()
@Controller('v1/me')
export class CallerProfileController {
  constructor(
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly memberships: MembershipFollower,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Who the API key belongs to',
    description: 'The caller’s party and the operations and task forces it is a member of, as they are now.',
  })
  @ApiResponse({ status: 200, description: 'The caller', schema: CALLER_PROFILE_SCHEMA })
  @ApiRefusals([])
  async profile(@CallerParty() party: string): Promise<CallerProfile> {
    await this.memberships.catchUp();
    return {
      party,
      kind: this.directory.kindOf(party)!,
      admin: this.directory.admins.has(party),
      operations: this.groupsOf('operation', party),
      taskForces: this.groupsOf('taskForce', party),
    };
  }

  private groupsOf(kind: GroupKind, party: string): GroupMembership[] {
    return this.directory
      .groupIds(kind)
      .map((id) => ({ id, members: this.directory.membersOf(kind, id)! }))
      .filter((group) => group.members.includes(party));
  }
}
