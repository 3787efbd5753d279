import { produceRequests, ProduceRecord } from './kafka-delivery-channel';

const record = (topic: string, key: string, size: number): ProduceRecord => ({ topic, message: { key, value: 'x'.repeat(size), headers: {} } });

describe('produceRequests', () => {
  it('keeps everything in one request while it is small', () => {
    const requests = [...produceRequests([record('a', 'c1', 10), record('b', 'c1', 10), record('a', 'c2', 10)])];
    expect(requests).toHaveLength(1);
    expect(requests[0].get('a')!.map((message) => message.key)).toEqual(['c1', 'c2']);
  });

  it('splits before a topic passes 900 KiB in one request, in order, losing nothing', () => {
    const records = Array.from({ length: 10 }, (_, n) => record('a', `c${n}`, 200 * 1024));
    const requests = [...produceRequests(records)];
    expect(requests.length).toBeGreaterThan(2);
    for (const request of requests) {
      const bytes = request.get('a')!.reduce((sum, message) => sum + message.value.length, 0);
      expect(bytes).toBeLessThanOrEqual(900 * 1024);
    }
    expect(requests.flatMap((request) => request.get('a')!.map((message) => message.key))).toEqual(records.map((r) => r.message.key));
  });

  it('splits before a request passes 16 MiB across many topics', () => {
    const records = Array.from({ length: 200 }, (_, n) => record(`t${n}`, 'c', 100 * 1024));
    const requests = [...produceRequests(records)];
    expect(requests).toHaveLength(2);
    expect(requests.reduce((sum, request) => sum + request.size, 0)).toBe(200);
  });
});
