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

const framesOf = (stack: string): string[] => stack.split('\n').filter((line) => FRAME.test(line));

/** A stack as Nest passes it to a logger: its message lines masked, its frames kept. */
export function maskStack(stack: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  if (firstFrame === -1) return maskValues(stack);
  return [maskValues(lines.slice(0, firstFrame).join('\n')), ...framesOf(stack)].join('\n');
}

export function loggedError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error, message: maskValues(String(error)) };
  const inner = error instanceof AggregateError && !error.message ? error.errors.map((each) => loggedError(each).message).join('; ') : error.message;
  const code = (error as { code?: unknown }).code;
  const frames = framesOf(error.stack ?? '').join('\n');
  return { name: error.name, message: maskValues(inner), ...(typeof code === 'string' ? { code } : {}), ...(frames ? { frames } : {}) };
}

const firstLine = ({ name, message, code }: LoggedError): string => (code ? `${name} (${code}): ${message}` : `${name}: ${message}`);

/** `Name: message`, masked, for a line of text. */
export function errorMessage(error: unknown): string {
  return firstLine(loggedError(error));
}

/** `Name: message` and the stack's frames, masked, for a line of text. */
export function errorText(error: unknown): string {
  const logged = loggedError(error);
  return logged.frames ? `${firstLine(logged)}\n${logged.frames}` : firstLine(logged);
}
