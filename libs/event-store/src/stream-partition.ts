/**
 * One of `count` disjoint parts of the global log, by stream: every event of
 * a stream falls in the same part, so a reader of one part sees whole
 * streams, in position order. Readers of all the parts see every event once.
 */
export interface StreamPartition {
  /** From 0 to count - 1. */
  readonly index: number;
  readonly count: number;
}

export function checkStreamPartition(partition: StreamPartition): void {
  const { index, count } = partition ?? ({} as StreamPartition);
  if (!Number.isInteger(count) || count < 1) throw new TypeError('readAll: partition.count must be a positive integer');
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new TypeError('readAll: partition.index must be an integer from 0 to count - 1');
}

/** The part a stream falls in, by a 32-bit FNV-1a hash of its name (the adapters that filter in JavaScript). */
export function streamPartitionOf(streamName: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamName.length; i++) hash = Math.imul(hash ^ streamName.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}
