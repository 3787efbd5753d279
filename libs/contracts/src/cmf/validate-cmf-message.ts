import { validateSync, ValidatorOptions } from 'class-validator';
import { CmfMessageDto } from './dto/message.dto';
import type { CmfMessage } from './types';
import { toDtoInstance } from './validation/dto-instance';
import { objectType } from './validation/fields';
import { isJsonObject } from './validation/json';
import { setReceiptTime } from './validation/message-tree';
import { validationErrorViolations } from './validation/validation-errors';
import { consolidate, RankedViolation, Violation } from './validation/violation';

export type { Violation };

export type CmfValidationResult =
  | { readonly ok: true; readonly message: CmfMessage }
  | { readonly ok: false; readonly violations: readonly Violation[] };

export interface CmfValidationOptions {
  /** The moment the message is received; `header.sentAt` may lie at most `MAX_SENT_AT_AHEAD_MS` after it. */
  readonly now: Date;
}

const validatorOptions: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // the violations are read from each error's target (the DTO instance) and value
  validationError: { target: true, value: true },
};

/**
 * Validates a received JSON value as a CMF/1 message, reporting every failing field. On success the message is the
 * input itself, unchanged. Never throws on any JSON value.
 */
export function validateCmfMessage(input: unknown, options: CmfValidationOptions): CmfValidationResult {
  if (!isJsonObject(input)) {
    return { ok: false, violations: [{ path: '', rule: objectType.name, message: objectType.message }] };
  }
  const unknownFields: RankedViolation[] = [];
  const message = toDtoInstance(CmfMessageDto, input, unknownFields) as object;
  setReceiptTime(message, options.now);
  const violations = [...unknownFields, ...validationErrorViolations(validateSync(message, validatorOptions))];
  return violations.length === 0 ? { ok: true, message: input as CmfMessage } : { ok: false, violations: consolidate(violations) };
}
