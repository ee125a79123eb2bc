import { ApiError, errorFrom, isApiError } from './api.ts';

/**
 * POSTs JSON and reads the server-sent events that answer it: `onDelta` for each piece of text,
 * the `done` event's data as the result, an `error` event (or a JSON error answer) as ApiError.
 */
export async function postEventStream<T>(path: string, body: unknown, onDelta: (text: string) => void, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
    // Refusals come before the stream opens, as ordinary JSON errors.
    throw await errorFrom(response);
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as unknown;
      if (event === 'delta') onDelta((data as { text: string }).text);
      else if (event === 'done') return data as T;
      else if (event === 'error') {
        throw isApiError(data) ? new ApiError(502, data.error.code, data.error.message) : new ApiError(502, 'stream', 'The model’s answer broke off.');
      }
    }
  }
  throw new ApiError(502, 'stream', 'The model’s answer broke off before it was complete.');
}
