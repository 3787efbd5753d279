import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCmfJsonSchema, serializeJsonSchema } from './cmf-json-schema';

/** Where the JSON Schema of CMF/1 is committed. */
export const CMF_JSON_SCHEMA_FILE = resolve(__dirname, '../../../../docs/cmf-1.schema.json');

if (require.main === module) {
  writeFileSync(CMF_JSON_SCHEMA_FILE, serializeJsonSchema(buildCmfJsonSchema()));
  console.log(`wrote ${CMF_JSON_SCHEMA_FILE}`);
}
