/**
 * The event store's writer thread: owns the only writing connection, so the
 * main thread never blocks on a commit's fsync while it serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openEventDatabase } from './sqlite-database';
import { AppendRequest, SqliteBatchWriter } from './sqlite-writer';

export interface WriterWorkerData {
  readonly file: string;
  readonly busyTimeoutMs: number;
}

export type WriterCommand = { readonly kind: 'commit'; readonly batch: readonly AppendRequest[] } | { readonly kind: 'close' };

const port = parentPort!;
const { file, busyTimeoutMs } = workerData as WriterWorkerData;
try {
  const writer = new SqliteBatchWriter(openEventDatabase(file, busyTimeoutMs, 'writer'));
  port.on('message', (command: WriterCommand) => {
    if (command.kind === 'close') {
      writer.close();
      port.close();
      return;
    }
    port.postMessage(writer.commit(command.batch));
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) });
}
