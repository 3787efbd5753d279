#!/usr/bin/env node
// Waits until a Kafka broker accepts clients: metadata, a controller, a group coordinator, producer ids.
// Usage: node wait-for-kafka.js <host:port> [timeoutMs] [pid]
// With a pid, gives up as soon as that process is gone. Exit 0 when ready, 1 otherwise;
// everything it prints goes to stderr.
'use strict';

let Kafka;
let logLevel;
try {
  ({ Kafka, logLevel } = require('kafkajs'));
} catch {
  console.error('wait-for-kafka: kafkajs is not installed: run `npm ci` first');
  process.exit(1);
}

const [broker, timeoutArg, pidArg] = process.argv.slice(2);
if (!broker) {
  console.error('usage: wait-for-kafka.js <host:port> [timeoutMs] [pid]');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg ?? 60000);
const pid = pidArg ? Number(pidArg) : undefined;

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function probe() {
  const kafka = new Kafka({
    clientId: 'cmx-engines-wait',
    brokers: [broker],
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null || cluster.controller < 0) {
      throw new Error('no broker registered or no active controller yet');
    }
    await admin.listTopics();
    // Finding a group coordinator creates __consumer_offsets: done here, the first consumer group joins at once.
    await admin.describeGroups(['cmx-engines-wait']);
    // An idempotent producer's InitProducerId needs the controller's producer-id block.
    await producer.connect();
    return cluster;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (pid !== undefined && !alive(pid)) {
      console.error(`wait-for-kafka: the Kafka process (pid ${pid}) exited while starting`);
      process.exit(1);
    }
    try {
      const cluster = await probe();
      console.error(`wait-for-kafka: ${broker} ready (cluster ${cluster.clusterId}, controller ${cluster.controller})`);
      return;
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
    }
    await sleep(500);
  }
  console.error(`wait-for-kafka: ${broker} did not accept clients within ${timeoutMs} ms (last error: ${lastError})`);
  process.exit(1);
}

main().catch((err) => {
  console.error(`wait-for-kafka: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
