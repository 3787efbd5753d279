import { arrayOf, CASE_ID, namedSchema, nullable, TIMELINE_ENTRY_SCHEMA } from '@cmx/platform';

export const CASE_TIMELINE_SCHEMA = namedSchema('CaseTimeline', {
  type: 'object',
  description: 'The messages of the case the caller is entitled to, in case-version order, with its erasures and restrictions.',
  properties: {
    caseId: CASE_ID,
    version: { type: 'integer', minimum: 1, description: 'The case’s current version' },
    entries: arrayOf(TIMELINE_ENTRY_SCHEMA),
    nextAfterVersion: nullable({ type: 'integer', description: 'Pass as afterVersion for the next page; null when this page reaches the end' }),
  },
  required: ['caseId', 'version', 'entries', 'nextAfterVersion'],
});
