export * from './auth/api-key.guard';
export * from './clock';
export * from './config/exchange-config';
export * from './http/create-http-app';
export * from './http/error-body';
export * from './platform.module';
export * from './bootstrap-service';
export * from './health/engine-probes';
