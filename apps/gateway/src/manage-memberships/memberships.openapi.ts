import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { ApiRefusals, arrayOf, namedSchema, PARTY_CODE } from '@cmx/platform';
import { MAX_MEMBERS } from './parse-membership-change';

const GROUP_SCHEMA = namedSchema('Group', {
  type: 'object',
  description: 'An operation or a task force and its members.',
  properties: { id: { type: 'string' }, members: arrayOf(PARTY_CODE) },
  required: ['id', 'members'],
});

export const MEMBERSHIPS_SCHEMA = namedSchema('Memberships', {
  type: 'object',
  description: 'Every operation and task force with its members, as they are now.',
  properties: {
    version: { type: 'integer', minimum: 0, description: 'Pass as expectedVersion to change a membership only if nobody else has meanwhile' },
    operations: arrayOf(GROUP_SCHEMA),
    taskForces: arrayOf(GROUP_SCHEMA),
  },
  required: ['version', 'operations', 'taskForces'],
});

export const MEMBERSHIP_CHANGE_SCHEMA = namedSchema('MembershipChange', {
  type: 'object',
  description:
    'The whole member list after the change: every member a party of the parties file, each once. Messages accepted from then on are resolved against it.',
  properties: {
    members: { type: 'array', maxItems: MAX_MEMBERS, uniqueItems: true, items: PARTY_CODE },
    expectedVersion: {
      type: 'integer',
      minimum: 0,
      description: 'The memberships version read; a change made meanwhile is refused (409). Any version when absent.',
    },
  },
  required: ['members'],
  additionalProperties: false,
});

/** PUT /v1/admin/{operations|task-forces}/{id}/members, for `group` ("operation" or "task force"). */
export const ApiMembershipChange = (group: 'operation' | 'task force') =>
  applyDecorators(
    ApiOperation({
      summary: `Change the members of ${group === 'operation' ? 'an operation' : 'a task force'}`,
      description: "Admins only (the parties file's `admins`). Answers the memberships after the change.",
    }),
    ApiParam({ name: 'id', description: `The ${group} id`, schema: { type: 'string' } }),
    ApiBody({ required: true, schema: MEMBERSHIP_CHANGE_SCHEMA }),
    ApiResponse({ status: 200, description: 'The memberships after the change', schema: MEMBERSHIPS_SCHEMA }),
    ApiRefusals([
      'invalid_json',
      'invalid_membership',
      'not_an_admin',
      'group_not_found',
      'membership_changed_meanwhile',
      'payload_too_large',
      'unsupported_media_type',
      'audit_unavailable',
    ]),
  );
