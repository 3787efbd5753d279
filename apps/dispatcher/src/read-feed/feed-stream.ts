import type { ServerResponse } from 'node:http';
import type { DeliveryLedger, FeedItem } from '@cmx/delivery';

export interface FeedStreamOptions {
  readonly ledger: DeliveryLedger;
  readonly party: string;
  readonly after: string | undefined;
  /** Deliveries read per query; also the most the stream holds in memory. */
  readonly pageSize: number;
  readonly heartbeatMs: number;
  /** Called with each page before any of it is written; when it throws, the stream ends with nothing of the page sent. */
  readonly beforeSending: (items: readonly FeedItem[]) => Promise<void>;
  /** Each page as the party may read it (what the ledger keeps sealed, opened); as read when absent. */
  readonly open?: (items: readonly FeedItem[]) => Promise<FeedItem[]>;
}

/** Where a followed feed goes: server-sent events, a gRPC stream. */
export interface FeedSink {
  /** Sends one item; false when the next must wait for drained(). */
  write(item: FeedItem): boolean;
  /** Resolves when the reader takes more, or has gone away. */
  drained(): Promise<void>;
  /** Called on an idle stream every heartbeat. */
  heartbeat(): void;
  /** Calls the listener once the reader has gone away; returns the function that stops listening. */
  onClose(listener: () => void): () => void;
}

/**
 * Sends the party's deliveries until the reader goes away: the backlog first, then each new delivery as the
 * ledger records it. A page is read only once the sink has taken the previous one, so a slow reader holds at
 * most one page in memory.
 */
export async function followFeed(options: FeedStreamOptions, sink: FeedSink): Promise<void> {
  const { ledger, party, pageSize, heartbeatMs } = options;
  let cursor = options.after;
  let wake: (() => void) | undefined;
  let closed = false;
  let recordedMeanwhile: boolean;
  const stopClosing = sink.onClose(() => {
    closed = true;
    wake?.();
  });
  const stopListening = ledger.onRecorded(() => {
    recordedMeanwhile = true;
    wake?.();
  });
  try {
    while (!closed) {
      recordedMeanwhile = false;
      const read = await ledger.readFeed(party, cursor, pageSize);
      const items = options.open ? await options.open(read) : read;
      if (items.length > 0) await options.beforeSending(items);
      if (closed) return;
      for (const item of items) {
        cursor = item.cursor;
        const accepted = sink.write(item);
        if (closed) return;
        if (!accepted) await sink.drained();
      }
      if (items.length === pageSize || recordedMeanwhile) continue;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), heartbeatMs);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      wake = undefined;
      if (!woken && !closed) sink.heartbeat();
    }
  } finally {
    stopListening();
    stopClosing();
  }
}

/**
 * Writes the party's deliveries as server-sent events (`id:` = cursor) until the client goes away, with a
 * comment line on an idle stream every heartbeat.
 */
export async function streamFeed(response: ServerResponse, options: FeedStreamOptions): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(': connected\n\n');
  try {
    await followFeed(options, {
      write: (item) => response.write(`id: ${item.cursor}\ndata: ${JSON.stringify(item.delivery)}\n\n`),
      drained: () => drained(response),
      heartbeat: () => response.write(': heartbeat\n\n'),
      onClose: (listener) => {
        if (response.destroyed) queueMicrotask(listener);
        response.on('close', listener);
        return () => response.off('close', listener);
      },
    });
  } finally {
    if (!response.writableEnded) response.end();
  }
}

/** Resolves when the socket takes more, or goes away; leaves no listener behind. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
