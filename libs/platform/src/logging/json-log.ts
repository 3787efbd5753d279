import { Logger, type LoggerService } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';
import { maskValues } from '@cmx/errors';
import { loggedError, maskStack } from './logged-error';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type JsonLog = PinoLogger;

/**
 * The process's log: one JSON object per line on stdout (pino), with `time` (ISO 8601), `level` (its name),
 * `service` and `msg`. Written synchronously, so that the lines before a crash are not lost with it.
 */
export function createJsonLog(service: string, level: LogLevel, destination: pino.DestinationStream = pino.destination({ fd: 1, sync: true })): JsonLog {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * Nest's logger interface over the JSON log: `new Logger(context)` in the code writes through it once the app uses it
 * (or once `useJsonLogEverywhere` has run). A message may be an object, whose fields become the line's (`msg` its text).
 */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly jsonLog: PinoLogger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  /**
   * Nest passes the context (the Logger's name) last, and for an error the stack before it: an error's message
   * is then its own, so it is masked as an Error is (logged-error.ts).
   */
  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, optional: unknown[]): void {
    if (!this.jsonLog.isLevelEnabled(level)) return;
    const texts = optional.filter((value): value is string => typeof value === 'string');
    const context = texts.length > 0 ? texts[texts.length - 1] : undefined;
    const stack = level === 'error' && texts.length > 1 ? texts[0] : undefined;
    const fields: Record<string, unknown> = { ...(context ? { context } : {}), ...(stack ? { stack: maskStack(stack) } : {}) };
    if (message instanceof Error) {
      const error = loggedError(message);
      this.jsonLog[level]({ ...fields, error }, error.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.jsonLog[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.jsonLog[level](fields, stack ? maskValues(String(message)) : String(message));
    }
  }
}

/** Every Nest `Logger` of the process writes through `jsonLog` from now on, before any app is made. */
export function useJsonLogEverywhere(jsonLog: JsonLog): void {
  Logger.overrideLogger(new NestJsonLogger(jsonLog));
}
