import { Injectable } from '@nestjs/common';

/** Runs tasks one at a time per key (a case id: messages and erasures of one case are decided in turn), in call order; tasks of different keys run concurrently. */
@Injectable()
export class CaseWriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
