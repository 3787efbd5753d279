/**
 * npm run openapi:export
 *   Writes docs/openapi.json: the OpenAPI 3.1 document of the whole exchange, generated from the controllers'
 *   decorators (test/openapi.e2e-spec.ts fails when the committed file is not what this writes).
 */
import { writeFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { exchangeOpenApiText, OPENAPI_DOCUMENT_FILE } from './exchange-openapi';

// The app is built on a throwaway DATA_DIR: its warnings (a new audit signing key there) are not the user's concern.
Logger.overrideLogger(['error']);
exchangeOpenApiText().then(
  (text) => {
    writeFileSync(OPENAPI_DOCUMENT_FILE, text);
    console.log(`wrote ${OPENAPI_DOCUMENT_FILE}`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
