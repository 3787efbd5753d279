import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DispatcherModule } from '@cmx/dispatcher/dispatcher.module';
import { ProjectorModule } from '@cmx/projector/projector.module';
import { DELIVERY_LEDGER, DeliveryLedger } from '@cmx/delivery';
import { createJsonLog, EngineProbes, errorText, loadConfig, NestJsonLogger, PlatformModule, useJsonLogEverywhere } from '@cmx/platform';
import type { BackgroundMessage, BackgroundStatus } from './background-messages';

/**
 * The all-in-one's second process (forked by BackgroundProcess): the dispatcher and the projector, on their own
 * core and event loop, over the same DATA_DIR. Ends when its parent goes, however it goes.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const jsonLog = createJsonLog('case-exchange-background', config.logLevel);
  useJsonLogEverywhere(jsonLog);
  const app = await NestFactory.createApplicationContext(
    { module: class BackgroundModule {}, imports: [PlatformModule.forRoot(config, { embedded: true }), DispatcherModule.forRoot(config), ProjectorModule] },
    { logger: new NestJsonLogger(jsonLog) },
  );
  app.enableShutdownHooks();
  const send = (message: BackgroundMessage) => process.connected && process.send?.(message);
  app.get<DeliveryLedger>(DELIVERY_LEDGER).onRecorded(() => send({ kind: 'recorded' }));
  const probes = app.get(EngineProbes);
  process.on('message', (message: BackgroundMessage) => {
    if (message.kind !== 'status?') return;
    void statusOf(probes).then((status) => send({ kind: 'status', id: message.id, status }));
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}

async function statusOf(probes: EngineProbes): Promise<BackgroundStatus> {
  const reports = await Promise.all(probes.allReports().map(async (report) => ({ section: report.section, name: report.name, value: await report.read() })));
  const probed = await Promise.all(
    probes.all().map((probe) =>
      probe.ping().then(
        () => ({ role: probe.role, engine: probe.engine }),
        (error: unknown) => ({ role: probe.role, engine: probe.engine, error: (error as Error)?.message ?? String(error) }),
      ),
    ),
  );
  return { reports, probes: probed };
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exit(1);
});
