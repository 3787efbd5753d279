import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { PartiesFileInvalid } from '@cmx/parties';
import { ConfigError, createHttpApp, DEMO_PARTIES_FILE, loadConfig } from '@cmx/platform';
import { ExchangeModule } from './exchange.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(ExchangeModule.forRoot(config));
  await app.listen(config.port, config.host);
  const logger = new Logger('Exchange');
  if (config.partiesFile === DEMO_PARTIES_FILE) {
    logger.warn('Using the DEMO parties file (config/demo-parties.json): its API keys are public. Set CASE_EXCHANGE_PARTIES for real use.');
  }
  logger.log(`Case exchange listening on http://${config.host}:${config.port} (event store: ${config.eventStore} in ${config.dataDir})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof PartiesFileInvalid ? `config error: ${error.message}` : error);
  process.exit(1);
});
