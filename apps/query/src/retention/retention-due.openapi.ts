import { arrayOf, CASE_ID, DATE_TIME, namedSchema, nullable } from '@cmx/platform';

export const DUE_PAGE_SCHEMA = namedSchema('RetentionDuePage', {
  type: 'object',
  description: 'The caller’s own cases past their review date, by case id. A page may hold fewer than `limit` items (none, even) and still a cursor.',
  properties: {
    items: arrayOf(
      namedSchema('RetentionDueCase', {
        type: 'object',
        properties: {
          caseId: CASE_ID,
          status: { type: 'string', enum: ['open', 'closed'] },
          lastActivityAt: DATE_TIME,
          reviewDueAt: DATE_TIME,
          deleteDueAt: { ...DATE_TIME, description: 'When `npm run retention:sweep` erases the case, as far as the caller’s messages show it' },
        },
        required: ['caseId', 'status', 'lastActivityAt', 'reviewDueAt'],
      }),
    ),
    nextCursor: nullable({ type: 'string', description: 'Pass as `after` for the next page; null when the caller’s cases were read to the end' }),
  },
  required: ['items', 'nextCursor'],
});
