import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, createHttpApp, createJsonLog, loadConfig, serializeOpenApiDocument } from '@cmx/platform';
import { ExchangeModule } from '../../apps/exchange/src/exchange.module';

/** Where the OpenAPI document of the whole exchange is committed. */
export const OPENAPI_DOCUMENT_FILE = resolve(__dirname, '../../docs/openapi.json');

/**
 * The OpenAPI document of the all-in-one exchange (every route of every process), as `npm start` serves it at
 * /openapi.json: the app is created on an empty temporary DATA_DIR and the demo parties, never initialised nor listening.
 */
export async function exchangeOpenApiDocument(): Promise<OpenAPIObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-openapi-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir, PORT: '0' });
    const app = await createHttpApp(ExchangeModule.forRoot(config), createJsonLog('openapi-export', config.logLevel));
    try {
      return buildOpenApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function exchangeOpenApiText(): Promise<string> {
  return serializeOpenApiDocument(await exchangeOpenApiDocument());
}
