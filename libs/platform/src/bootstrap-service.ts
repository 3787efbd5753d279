import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { PartiesFileInvalid } from '@cmx/parties';
import { ConfigError, DEMO_PARTIES_FILE, ExchangeConfig, loadConfig } from './config/exchange-config';
import { startGrpcServer } from './grpc/grpc-transport';
import { createHttpApp } from './http/create-http-app';
import { createJsonLog, errorText, useJsonLogEverywhere } from './logging';

export interface ServiceOptions {
  /** Serves its gRPC methods (proto/cmx/v1) on GRPC_PORT too. */
  readonly grpc?: boolean;
}

/**
 * Starts one exchange process: settings validated first (a bad one stops the
 * process with one line naming it), then the HTTP app on PORT and, for a
 * process with gRPC methods, the gRPC server on GRPC_PORT.
 */
export function bootstrapService(name: string, rootModule: (config: ExchangeConfig) => DynamicModule, options: ServiceOptions = {}): void {
  const start = async () => {
    const config = loadConfig();
    const jsonLog = createJsonLog(serviceId(name), config.logLevel);
    useJsonLogEverywhere(jsonLog);
    const app = await createHttpApp(rootModule(config), jsonLog);
    if (options.grpc) await startGrpcServer(app, config.host, config.grpcPort);
    await app.listen(config.port, config.host);
    const logger = new Logger(name);
    if (options.grpc) logger.log(`${name} serving gRPC (cmx.v1.CaseExchangeService) on ${config.host}:${config.grpcPort}`);
    if (config.partiesFile === DEMO_PARTIES_FILE) {
      logger.warn('Using the DEMO parties file (config/demo-parties.json): its API keys are public. Set CASE_EXCHANGE_PARTIES for real use.');
    }
    logger.log(`${name} listening on http://${config.host}:${config.port} (event store: ${config.eventStore})`);
  };
  start().catch((error: unknown) => {
    // One plain line on stderr: the process did not start, and a bad LOG_LEVEL may be the reason.
    if (error instanceof ConfigError) console.error(`config error: ${error.message}`);
    else if (error instanceof PartiesFileInvalid) console.error(`config error: CASE_EXCHANGE_PARTIES=${error.message}`);
    else console.error(errorText(error));
    process.exit(1);
  });
}

/** The `service` field of a process's log lines: "Case exchange" → "case-exchange". */
export function serviceId(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '-');
}
