export * from './cmf/codes';
export * from './cmf/date-time';
export * from './cmf/limits';
export * from './cmf/vocabularies';
export * from './cmf/dto';
export * from './cmf/types';
export * from './cmf/validate-cmf-message';
export { buildCmfJsonSchema, serializeJsonSchema } from './schema/cmf-json-schema';
export type { JsonSchema } from './schema/cmf-json-schema';
