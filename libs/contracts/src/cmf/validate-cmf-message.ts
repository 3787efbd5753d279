import { CmfMessageDto } from './dto/message.dto';
import type { CmfMessage } from './types';
import { compileValidator } from './validation/compiled-validator';
import { objectType } from './validation/fields';
import { isJsonObject } from './validation/json';
import type { Violation } from './validation/violation';

export type { Violation };

export type CmfValidationResult = { readonly ok: true; readonly message: CmfMessage } | { readonly ok: false; readonly violations: readonly Violation[] };

export interface CmfValidationOptions {
  /** The moment the message is received; `header.sentAt` may lie at most `MAX_SENT_AT_AHEAD_MS` after it. */
  readonly now: Date;
}

/** Compiled at first use from the decorators of the DTO classes (see validation/compiled-validator.ts). */
const violationsOf = compileValidator(CmfMessageDto);

/**
 * Validates a received JSON value as a CMF/1 message, reporting every failing field. On success the message is the
 * input itself, unchanged. Never throws on any JSON value.
 */
export function validateCmfMessage(input: unknown, options: CmfValidationOptions): CmfValidationResult {
  if (!isJsonObject(input)) {
    return { ok: false, violations: [{ path: '', rule: objectType.name, message: objectType.message }] };
  }
  const violations = violationsOf(input, options.now);
  return violations.length === 0 ? { ok: true, message: input as CmfMessage } : { ok: false, violations };
}
