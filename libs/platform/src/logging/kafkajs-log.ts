import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

/** kafkajs's log entries as the process's JSON log lines, under the context `kafkajs.<namespace>`. */
export const kafkajsLogThroughNest: logCreator =
  () =>
  ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
    const logger = new Logger(namespace ? `kafkajs.${namespace}` : 'kafkajs');
    const line = { msg: message, ...fields };
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else if (level === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
