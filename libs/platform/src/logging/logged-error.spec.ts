import { errorMessage, errorText, loggedError, maskStack } from './logged-error';

describe('loggedError', () => {
  it("keeps an error's name, code and frames and masks the values its message quotes", () => {
    const error = Object.assign(new TypeError('invalid input syntax for type uuid: "Amara Okafor"'), { code: '22P02' });
    const logged = loggedError(error);
    expect(logged).toEqual({ name: 'TypeError', message: 'invalid input syntax for type uuid: "…"', code: '22P02', frames: expect.stringMatching(/^\s+at /) });
    expect(logged.frames).toContain('logged-error.spec.ts');
    expect(errorMessage(error)).toBe('TypeError (22P02): invalid input syntax for type uuid: "…"');
    expect(errorText(error).split('\n')[1]).toMatch(/^\s+at /);
    expect(JSON.stringify(logged)).not.toContain('Amara');
  });

  it("reads an AggregateError without a message of its own (a refused connection) by its errors' messages", () => {
    const refused = new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:5432'), new Error('connect ECONNREFUSED ::1:5432')]);
    expect(errorMessage(refused)).toBe('AggregateError: connect ECONNREFUSED 127.0.0.1:5432; connect ECONNREFUSED ::1:5432');
  });

  it('takes a value that is not an Error by its text, masked', () => {
    expect(loggedError('document YA1234567')).toEqual({ name: 'string', message: 'document YA…' });
  });
});

describe('maskStack', () => {
  it("masks a stack's message lines and keeps its frames", () => {
    expect(maskStack('SyntaxError: Unexpected token \'A\', "Amara" is not valid JSON\n    at JSON.parse (<anonymous>)\n    at read (/app/x.js:1:2)')).toBe(
      'SyntaxError: Unexpected token \'A\', "…" is not valid JSON\n    at JSON.parse (<anonymous>)\n    at read (/app/x.js:1:2)',
    );
  });
});
