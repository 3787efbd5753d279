import { MAX_BATCH_LINES, MAX_MESSAGE_BYTES } from '@cmx/contracts';
import { InvalidJson, PayloadTooLarge } from '@cmx/errors';

/** One line of an NDJSON body: its number (from 1, counting every line) and its value, or why it is not one. */
export type NdjsonLine = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: InvalidJson | PayloadTooLarge };

/**
 * The non-blank lines of an NDJSON body, each parsed on its own: a line that is not JSON, or longer than one
 * message may be, is an error of that line only. A body with no line at all, more than MAX_BATCH_LINES, or
 * not one line that is JSON, is not NDJSON and is refused whole.
 */
export function ndjsonLines(body: string): NdjsonLine[] {
  const lines: NdjsonLine[] = [];
  body.split('\n').forEach((text, index) => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return;
    const line = index + 1;
    if (Buffer.byteLength(trimmed, 'utf8') > MAX_MESSAGE_BYTES) lines.push({ line, error: new PayloadTooLarge(MAX_MESSAGE_BYTES) });
    else {
      try {
        lines.push({ line, value: JSON.parse(trimmed) });
      } catch (error) {
        lines.push({ line, error: new InvalidJson((error as Error).message) });
      }
    }
  });
  if (lines.length === 0) throw new InvalidJson('the body holds no line: send one CMF/1 message a line');
  if (lines.length > MAX_BATCH_LINES) throw new InvalidJson(`the body holds ${lines.length} messages; a batch is at most ${MAX_BATCH_LINES}`);
  if (lines.every((line) => 'error' in line && line.error instanceof InvalidJson)) throw new InvalidJson('no line of the body is JSON: the body is not NDJSON');
  return lines;
}
