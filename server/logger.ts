import pino from 'pino';

/** Structured JSON logs on standard error; LOG_LEVEL=silent in tests. */
export const createLogger = () => pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
export type { Logger } from 'pino';
