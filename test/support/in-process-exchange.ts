import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createJsonLog, loadConfig, startGrpcServer, useJsonLogEverywhere } from '@cmx/platform';
import { freePort } from './free-port';
import { ExchangeModule } from '../../apps/exchange/src/exchange.module';
import { testSigningKeyFile } from './audit-signing-key';

export interface InProcessExchange {
  readonly baseUrl: string;
  /** host:port of its gRPC server (proto/cmx/v1). */
  readonly grpcAddress: string;
  readonly app: NestFastifyApplication;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * The all-in-one exchange in a fresh temporary data directory, listening on a free loopback port: on SQLite it makes its
 * own audit signing key under DATA_DIR, as `npm start` does; on another store it is given one, as production is.
 */
export async function startInProcessExchange(env: Record<string, string> = {}): Promise<InProcessExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-e2e-'));
  const embedded = (env.EVENT_STORE ?? 'sqlite') === 'sqlite';
  const config = loadConfig({
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
    PORT: '0',
    ...(embedded ? {} : { AUDIT_SIGNING_KEY_FILE: testSigningKeyFile() }),
    ...env,
  });
  const jsonLog = createJsonLog('case-exchange', config.logLevel);
  useJsonLogEverywhere(jsonLog);
  const app = await createHttpApp(ExchangeModule.forRoot(config), jsonLog);
  const grpcPort = await freePort();
  await startGrpcServer(app, '127.0.0.1', grpcPort);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    app,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
