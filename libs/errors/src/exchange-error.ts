/**
 * The base of every refusal the exchange gives. Each rule has its own subclass
 * with a stable `code`; the HTTP layer maps codes to statuses in one place
 * (libs/platform/src/http/error-status.ts).
 */
export abstract class ExchangeError extends Error {
  abstract readonly code: string;
  readonly details: readonly unknown[];

  protected constructor(message: string, details: readonly unknown[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldViolation {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}
