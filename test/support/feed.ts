import type { ExchangeClient } from './exchange-client';

export interface FeedItem {
  readonly cursor: string;
  readonly delivery: { caseId: string; position: string; messageId: string; type: string; sender: string; caseVersion: number };
}

/** Pages through the caller's feed from `after` until it holds at least `count` items or the time is up. */
export async function readFeedUntil(client: ExchangeClient, count: number, timeoutMs = 15_000, after?: string): Promise<FeedItem[]> {
  const deadline = Date.now() + timeoutMs;
  const items: FeedItem[] = [];
  let cursor = after;
  for (;;) {
    const answer = await client.request('GET', `/v1/feed?limit=1000${cursor ? `&after=${cursor}` : ''}`);
    if (answer.status !== 200) throw new Error(`GET /v1/feed answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor ?? cursor;
    if (items.length >= count) return items;
    if (answer.body.items.length === 0) {
      if (Date.now() > deadline) return items;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface SseEvent {
  readonly id?: string;
  readonly data?: string;
  /** Comment lines (heartbeats). */
  readonly comment?: string;
}

/** A server-sent-events connection read with fetch: events as they arrive, closed on demand. */
export class SseConnection {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();
  status = 0;

  static async open(baseUrl: string, apiKey: string, path: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const connection = new SseConnection();
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream', ...headers },
      signal: connection.controller.signal,
    });
    connection.status = response.status;
    if (response.status !== 200 || !response.body) {
      connection.events.push({ data: await response.text() });
      return connection;
    }
    connection.done = connection.read(response.body).catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') throw error;
    });
    return connection;
  }

  deliveries(): { id: string; delivery: FeedItem['delivery'] }[] {
    return this.events.filter((event) => event.id !== undefined).map((event) => ({ id: event.id!, delivery: JSON.parse(event.data!) }));
  }

  async waitFor(predicate: (connection: SseConnection) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`SSE: condition not met after ${timeoutMs} ms (${this.events.length} events)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: { id?: string; data?: string; comment?: string } = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) event.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('data: ')) event.data = (event.data ? `${event.data}\n` : '') + line.slice(6);
        }
        this.events.push(event);
      }
    }
  }
}
