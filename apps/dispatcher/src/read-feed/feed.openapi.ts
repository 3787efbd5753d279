import { arrayOf, DELIVERY_SCHEMA, namedSchema, nullable, STORE_POSITION } from '@cmx/platform';

export const FEED_PAGE_SCHEMA = namedSchema('FeedPage', {
  type: 'object',
  description: 'The caller’s deliveries in delivery order; each cursor is a store position.',
  properties: {
    items: arrayOf(
      namedSchema('FeedItem', { type: 'object', properties: { cursor: STORE_POSITION, delivery: DELIVERY_SCHEMA }, required: ['cursor', 'delivery'] }),
    ),
    nextCursor: nullable({
      ...STORE_POSITION,
      description: 'Pass as `after` for the next page: the last item’s cursor, or the `after` given when there was nothing new',
    }),
  },
  required: ['items', 'nextCursor'],
});

export const FEED_EVENT_STREAM_SCHEMA = {
  type: 'string',
  description:
    'Server-sent events: one event a delivery, `id:` its cursor and `data:` the FeedItem JSON; a `: heartbeat` comment when idle. ' +
    'Reconnect with `Last-Event-ID` to resume after the last event received.',
};
