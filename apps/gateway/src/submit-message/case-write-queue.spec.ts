import { CaseWriteQueue } from './case-write-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CaseWriteQueue', () => {
  it('runs the tasks of one key one after another, in call order, even when one fails', async () => {
    const serializer = new CaseWriteQueue();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      serializer.run('case-1', task('a')),
      serializer.run('case-1', task('b', true)),
      serializer.run('case-1', task('c')),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const serializer = new CaseWriteQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([serializer.run('case-1', task('a')), serializer.run('case-2', task('b'))]);
    expect(log).toEqual(['start a', 'start b', 'end a', 'end b']);
  });
});
