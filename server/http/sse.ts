import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { config } from '#server/config.ts';
import { AppError, answerCutOff, errorBody, internal, tooManyStreams } from './errors.ts';

type Produce = (delta: (text: string) => void, signal: AbortSignal) => Promise<unknown>;

/** What a stream cut off by a stopping server ends with, and what a stream asked for then is told. */
const serverStopping = answerCutOff;

/**
 * The server's open model streams (suggestions, chat turns), answered as server-sent events. Each
 * user may have ORDINAL_MODEL_STREAMS_PER_USER open at once: a model endpoint serves a few
 * requests at a time, and one user (or script) opening hundreds would starve everyone else. When
 * the server stops, every open stream ends with a final `error` event instead of holding the
 * shutdown until the model has finished writing.
 */
export class EventStreams {
  private readonly open = new Map<AbortController, number>();
  private stopping = false;

  constructor(private readonly logger: Logger) {}

  /**
   * Answers with server-sent events: `produce` gets a function for each piece of text and a signal
   * that aborts when the client leaves or the server stops; what it returns is the `done` event,
   * what it throws the `error` event. Refuse before calling this, while a plain JSON error can
   * still be sent; this refuses (as JSON) a user over their limit and any stream once stopping.
   */
  async stream(req: Request, res: Response, produce: Produce) {
    if (this.stopping) throw serverStopping();
    const userId = req.auth!.user.id;
    const limit = config().ORDINAL_MODEL_STREAMS_PER_USER;
    if (this.openFor(userId) >= limit) {
      throw tooManyStreams(limit);
    }
    const stream = openEventStream(res);
    this.open.set(stream.controller, userId);
    try {
      stream.done(await produce(stream.delta, stream.controller.signal));
    } catch (error) {
      // A stop of the server is the reason the model request failed: say that, not the abort.
      const reason: unknown = stream.controller.signal.reason;
      const failure = reason instanceof AppError ? reason : error;
      // Only errors meant for the client say what happened; anything else stays on the server.
      stream.fail(errorBody(failure instanceof AppError ? failure : internal('Something went wrong on the server.'), req.auth?.user.role, this.logger));
    } finally {
      this.open.delete(stream.controller);
    }
  }

  /** Refuses new streams and ends every open one with a final `error` event (server.stopping). */
  endAll() {
    this.stopping = true;
    for (const controller of this.open.keys()) controller.abort(serverStopping());
  }

  private openFor(userId: number) {
    let count = 0;
    for (const owner of this.open.values()) if (owner === userId) count++;
    return count;
  }
}

/**
 * A server-sent-events response: `delta` events while the model writes, then one `done` or one
 * `error` event (with the API's error shape), then the end. The controller aborts when the client
 * leaves, so the model request is cancelled too.
 */
function openEventStream(res: Response) {
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
    controller,
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
