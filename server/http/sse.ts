import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, errorBody } from './errors.ts';

/**
 * Answers with server-sent events: `produce` gets a function for each piece of text and a signal
 * that aborts when the client leaves; what it returns is the `done` event, what it throws the
 * `error` event. Refuse before calling this, while a plain JSON error can still be sent.
 */
export async function streamEvents(req: Request, res: Response, logger: Logger | undefined, produce: (delta: (text: string) => void, signal: AbortSignal) => Promise<unknown>) {
  const stream = openEventStream(req, res);
  try {
    stream.done(await produce(stream.delta, stream.signal));
  } catch (error) {
    // Only errors meant for the client say what happened; anything else stays on the server.
    stream.fail(errorBody(error instanceof AppError ? error : new AppError(500, 'internal', 'Something went wrong on the server.'), req.auth?.user.role, logger));
  }
}

/**
 * A server-sent-events response: `delta` events while the model writes, then one `done` or one
 * `error` event (with the API's error shape), then the end. The signal aborts when the client leaves,
 * so the model request is cancelled too.
 */
function openEventStream(req: Request, res: Response) {
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
    fail: (body: ReturnType<typeof errorBody>) => {
      send('error', body);
      res.end();
    },
  };
}
