import { Writable } from 'node:stream';
import { createJsonLog, NestJsonLogger, type LogLevel } from './json-log';

function capturedLog(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: new NestJsonLogger(createJsonLog('gateway', level, destination)) };
}

describe('NestJsonLogger', () => {
  it('writes a line with time, level name, service, context and message', () => {
    const { lines, logger } = capturedLog('info');
    logger.log('listening on http://127.0.0.1:3000', 'Gateway');
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'gateway',
        context: 'Gateway',
        msg: 'listening on http://127.0.0.1:3000',
      },
    ]);
  });

  it("takes an object message's fields as the line's, its msg as the message", () => {
    const { lines, logger } = capturedLog('info');
    logger.error({ msg: 'unexpected error', errorId: 'e-1', error: { name: 'TypeError' } }, 'ExchangeErrors');
    expect(lines[0]).toEqual(
      expect.objectContaining({ level: 'error', context: 'ExchangeErrors', msg: 'unexpected error', errorId: 'e-1', error: { name: 'TypeError' } }),
    );
  });

  it("keeps Nest's stack argument of an error apart from its context, and an Error's name, message and stack", () => {
    const { lines, logger } = capturedLog('info');
    logger.error('boom', 'Error: boom\n    at here', 'Dispatcher');
    logger.error(new RangeError('out of range'), 'Projector');
    expect(lines[0]).toEqual(expect.objectContaining({ msg: 'boom', stack: 'Error: boom\n    at here', context: 'Dispatcher' }));
    expect(lines[1]).toEqual(
      expect.objectContaining({ msg: 'out of range', context: 'Projector', error: expect.objectContaining({ name: 'RangeError', message: 'out of range' }) }),
    );
  });

  it('writes nothing below its level; verbose is trace', () => {
    const { lines, logger } = capturedLog('warn');
    logger.log('not written');
    logger.debug('not written');
    logger.warn('written');
    expect(lines.map((line) => line.msg)).toEqual(['written']);
    const verbose = capturedLog('trace');
    verbose.logger.verbose('traced');
    expect(verbose.lines[0]).toEqual(expect.objectContaining({ level: 'trace', msg: 'traced' }));
  });
});

describe('NestJsonLogger and personal data', () => {
  it('masks the values an Error, or a message Nest logs with its stack, quotes', () => {
    const { lines, logger } = capturedLog('info');
    logger.error(new SyntaxError('Unexpected token \'A\', "Amara Okafor" is not valid JSON'), 'Projector');
    logger.error(
      'invalid input syntax for type uuid: "Amara Okafor"',
      'error: invalid input syntax for type uuid: "Amara Okafor"\n    at here',
      'RpcExceptionsHandler',
    );
    expect(JSON.stringify(lines)).not.toContain('Amara');
    expect(lines[1]).toEqual(
      expect.objectContaining({ msg: 'invalid input syntax for type uuid: "…"', stack: 'error: invalid input syntax for type uuid: "…"\n    at here' }),
    );
  });
});
