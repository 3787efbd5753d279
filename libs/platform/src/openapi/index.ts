export * from './api-decorators';
export * from './openapi-document';
export * from './openapi-schemas';
export * from './serve-openapi';
