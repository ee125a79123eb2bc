import type { Request, Response } from 'express';
import type { AppError } from './errors.ts';

/**
 * A server-sent-events response: `delta` events while the model writes, then one `done` or one
 * `error` event (with the API's error shape), then the end. The signal aborts when the client leaves,
 * so the model request is cancelled too.
 */
export function openEventStream(req: Request, res: Response) {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const send = (event: string, data: unknown) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  return {
    signal: controller.signal,
    delta: (text: string) => send('delta', { text }),
    done: (data: unknown) => {
      send('done', data);
      res.end();
    },
    fail: (error: AppError) => {
      send('error', { error: { code: error.code, message: error.message, details: error.details } });
      res.end();
    },
  };
}
