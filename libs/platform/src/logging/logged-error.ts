import { maskValues } from '@cmx/errors';

/**
 * An error as a log line may hold it: its message with the values it may quote masked (maskValues), and its
 * stack's frames, which are code locations.
 */
export interface LoggedError {
  readonly name: string;
  readonly message: string;
  /** A system error's code (`ECONNREFUSED`) or PostgreSQL's SQLSTATE. */
  readonly code?: string;
  readonly frames?: string;
}

const FRAME = /^\s+at /;

/** A stack as Nest passes it to a logger: its message lines masked, its frames kept. */
export function maskStack(stack: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  const messageLines = firstFrame === -1 ? lines : lines.slice(0, firstFrame);
  const frames = firstFrame === -1 ? [] : lines.slice(firstFrame).filter((line) => FRAME.test(line));
  return [maskValues(messageLines.join('\n')), ...frames].join('\n');
}

export function loggedError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error, message: maskValues(String(error)) };
  const inner = error instanceof AggregateError && !error.message ? error.errors.map((each) => loggedError(each).message).join('; ') : error.message;
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => FRAME.test(line))
    .join('\n');
  return { name: error.name, message: maskValues(inner), ...(typeof code === 'string' ? { code } : {}), ...(frames ? { frames } : {}) };
}

/** `Name: message`, masked, for a line of text. */
export function errorMessage(error: unknown): string {
  const { name, message, code } = loggedError(error);
  return code ? `${name} (${code}): ${message}` : `${name}: ${message}`;
}

/** `Name: message` and the stack's frames, masked, for a line of text. */
export function errorText(error: unknown): string {
  const { frames } = loggedError(error);
  return frames ? `${errorMessage(error)}\n${frames}` : errorMessage(error);
}
