import pino from 'pino';
import { config } from './config.ts';

/** Structured JSON logs on standard error, at the level LOG_LEVEL names (`silent` in tests). */
export const createLogger = () => pino({ level: config().LOG_LEVEL }, pino.destination(2));
export type { Logger } from 'pino';
