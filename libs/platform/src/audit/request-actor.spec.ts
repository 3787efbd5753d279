import { InvalidAccountabilityHeader } from '@cmx/errors';
import { accountabilityHeaders, clientRequestId, MAX_ON_BEHALF_OF_LENGTH, MAX_PURPOSE_LENGTH } from './request-actor';

describe('accountability headers', () => {
  it('takes Purpose and On-Behalf-Of as sent, trimmed; absent headers are null', () => {
    expect(accountabilityHeaders({ purpose: ' case IT-2026-000123 ', 'on-behalf-of': 'officer-4711' })).toEqual({
      purpose: 'case IT-2026-000123',
      onBehalfOf: 'officer-4711',
    });
    expect(accountabilityHeaders({})).toEqual({ purpose: null, onBehalfOf: null });
  });

  it('accepts a Purpose of exactly the maximum length and refuses one character more', () => {
    expect(accountabilityHeaders({ purpose: 'p'.repeat(MAX_PURPOSE_LENGTH) }).purpose).toHaveLength(MAX_PURPOSE_LENGTH);
    expect(() => accountabilityHeaders({ purpose: 'p'.repeat(MAX_PURPOSE_LENGTH + 1) })).toThrow(InvalidAccountabilityHeader);
  });

  it('refuses, naming each header, control characters, an empty value, a repeated header and an over-long On-Behalf-Of', () => {
    const refusal = (headers: Record<string, string | string[]>) => {
      try {
        accountabilityHeaders(headers);
      } catch (error) {
        return {
          code: (error as InvalidAccountabilityHeader).code,
          paths: (error as InvalidAccountabilityHeader).details.map((d) => (d as { path: string }).path),
        };
      }
      return undefined;
    };
    expect(refusal({ purpose: 'line one\u0007' })).toEqual({ code: 'invalid_header', paths: ['purpose'] });
    expect(refusal({ purpose: '   ' })).toEqual({ code: 'invalid_header', paths: ['purpose'] });
    expect(refusal({ 'on-behalf-of': ['a', 'b'] })).toEqual({ code: 'invalid_header', paths: ['on-behalf-of'] });
    expect(refusal({ purpose: '\u001b[2J', 'on-behalf-of': 'o'.repeat(MAX_ON_BEHALF_OF_LENGTH + 1) })).toEqual({
      code: 'invalid_header',
      paths: ['purpose', 'on-behalf-of'],
    });
  });
});

describe('client request id', () => {
  it('keeps a short plain token and drops anything else', () => {
    expect(clientRequestId('req-42.a:b_c')).toBe('req-42.a:b_c');
    expect(clientRequestId('x'.repeat(64))).toHaveLength(64);
    expect(clientRequestId('x'.repeat(65))).toBeUndefined();
    expect(clientRequestId('has space')).toBeUndefined();
    expect(clientRequestId('new\nline')).toBeUndefined();
    expect(clientRequestId(['a', 'b'])).toBeUndefined();
    expect(clientRequestId(undefined)).toBeUndefined();
  });
});
