import { QueryObserver, focusManager, onlineManager } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { nextComparisonQueryOptions } from '../client/src/features/ranking/api/get-next-comparison.ts';
import { createQueryClient } from '../client/src/lib/react-query.ts';

// Asking for the next comparison leases one on the server: the ranking page asks when it opens and
// when the trainer is done with a comparison, and at no other time.

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The page's query on a fresh cache, with `ask` in place of the request; the answers do not matter here. */
function observe(ask: () => Promise<unknown>) {
  const client = createQueryClient();
  const observer = new QueryObserver(client, { ...nextComparisonQueryOptions('p'), queryFn: async () => (await ask(), null) });
  return { client, observer, subscribe: () => observer.subscribe(() => {}) };
}

afterEach(() => {
  focusManager.setFocused(undefined);
  onlineManager.setOnline(true);
});

describe('the next comparison', () => {
  it('is asked for once when the page opens, even when StrictMode mounts it twice', async () => {
    let asked = 0;
    const { subscribe } = observe(async () => ++asked);
    const first = subscribe();
    first();
    const second = subscribe();
    await tick();
    expect(asked).toBe(1);
    second();
  });

  it('is not asked for again when the window regains focus or the connection comes back', async () => {
    let asked = 0;
    const { subscribe } = observe(async () => ++asked);
    const stop = subscribe();
    await tick();
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await tick();
    expect(asked).toBe(1);
    stop();
  });

  it('is not asked for again after a failure, even a server fault', async () => {
    let asked = 0;
    const { subscribe, observer } = observe(async () => {
      asked++;
      throw new Error('503');
    });
    const stop = subscribe();
    await tick();
    expect(asked).toBe(1);
    expect(observer.getCurrentResult().isError).toBe(true);
    stop();
  });

  it('is asked for again when the trainer is done with one, and forgotten once the page closes', async () => {
    let asked = 0;
    const { subscribe, observer, client } = observe(async () => ++asked);
    const stop = subscribe();
    await tick();
    await observer.refetch();
    expect(asked).toBe(2);
    stop();
    await tick();
    expect(client.getQueryCache().find({ queryKey: nextComparisonQueryOptions('p').queryKey })).toBeUndefined();
  });
});
