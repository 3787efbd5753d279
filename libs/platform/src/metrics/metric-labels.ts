import { ExchangeError } from '@cmx/errors';
import { HTTP_STATUS_BY_ERROR_CODE } from '../http/error-status';

/** A request's route as a label: the pattern it matched (never the URL it asked for), or `unmatched`. */
export function routeLabel(pattern: string | undefined): string {
  // Fastify spells a literal colon `::` in a pattern (POST /v1/messages:batch).
  return pattern === undefined || pattern === '' ? 'unmatched' : pattern.replaceAll('::', ':');
}

/** A refusal's stable code as a label, exactly as the exchange answers it: `internal_error` for anything that is not one of its rules. */
export function refusalCodeLabel(refusal: unknown): string {
  return refusal instanceof ExchangeError && HTTP_STATUS_BY_ERROR_CODE[refusal.code] !== undefined ? refusal.code : 'internal_error';
}

/** Seconds from a /health lag report (`{ lagMs }`); undefined when the report holds none (`{ status: 'unknown' }`, an error). */
export function lagSecondsOf(report: unknown): number | undefined {
  const lagMs = (report as { lagMs?: unknown } | null | undefined)?.lagMs;
  return typeof lagMs === 'number' && Number.isFinite(lagMs) ? lagMs / 1000 : undefined;
}
