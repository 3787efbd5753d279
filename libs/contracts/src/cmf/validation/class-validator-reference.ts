import { validateSync, ValidatorOptions } from 'class-validator';
import { CmfMessageDto } from '../dto/message.dto';
import type { CmfMessage } from '../types';
import type { CmfValidationOptions, CmfValidationResult } from '../validate-cmf-message';
import { toDtoInstance } from './dto-instance';
import { objectType } from './fields';
import { isJsonObject } from './json';
import { setReceiptTime } from './message-tree';
import { validationErrorViolations } from './validation-errors';
import { consolidate, RankedViolation } from './violation';

/**
 * The reference the compiled validator is checked against (by tests only; see validate-cmf-message.differential.spec):
 * class-validator's own validation loop over DTO instances of the message, driven by the same decorators. Correct but
 * too slow for the ingest (about 85 % of its time is class-validator's per-object work).
 */

const validatorOptions: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // the violations are read from each error's target (the DTO instance) and value
  validationError: { target: true, value: true },
};

/**
 * `validateCmfMessage` as class-validator does it. Known defect kept on purpose (it is the reference): it throws when a
 * nested list holds a list holding an object whose own `constructor` is null, e.g. `header.handling: [[{"constructor":
 * null}]]` (class-validator reads the constructor of that raw object).
 */
export function validateCmfMessageWithClassValidator(input: unknown, options: CmfValidationOptions): CmfValidationResult {
  if (!isJsonObject(input)) {
    return { ok: false, violations: [{ path: '', rule: objectType.name, message: objectType.message }] };
  }
  const unknownFields: RankedViolation[] = [];
  const message = toDtoInstance(CmfMessageDto, input, unknownFields) as object;
  setReceiptTime(message, options.now);
  const violations = [...unknownFields, ...validationErrorViolations(validateSync(message, validatorOptions))];
  return violations.length === 0 ? { ok: true, message: input as CmfMessage } : { ok: false, violations: consolidate(violations) };
}
