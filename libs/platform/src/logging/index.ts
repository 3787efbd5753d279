export { createJsonLog, LOG_LEVELS, NestJsonLogger, useJsonLogEverywhere, type JsonLog, type LogLevel } from './json-log';
export { logEachRequest } from './request-log';
export { kafkajsLogThroughNest } from './kafkajs-log';
export { errorMessage, errorText, loggedError, type LoggedError } from './logged-error';
