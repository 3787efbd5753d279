import { arrayOf, namedSchema, PARTY_CODE } from '@cmx/platform';

const GROUP_MEMBERSHIP_SCHEMA = namedSchema('GroupMembership', {
  type: 'object',
  properties: { id: { type: 'string' }, members: arrayOf(PARTY_CODE) },
  required: ['id', 'members'],
});

export const CALLER_PROFILE_SCHEMA = namedSchema('CallerProfile', {
  type: 'object',
  description: 'Who the API key belongs to, and the operations and task forces whose boards it may read.',
  properties: {
    party: PARTY_CODE,
    kind: { type: 'string', enum: ['bureau', 'agency'] },
    admin: { type: 'boolean' },
    operations: arrayOf(GROUP_MEMBERSHIP_SCHEMA),
    taskForces: arrayOf(GROUP_MEMBERSHIP_SCHEMA),
  },
  required: ['party', 'kind', 'admin', 'operations', 'taskForces'],
});
