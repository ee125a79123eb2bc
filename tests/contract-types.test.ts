import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idParamSchema } from '#shared/ids.ts';
import { allUsers, route } from '#shared/contract/route.ts';
import type { RequestInput, RequestResult } from '#shared/contract/request.ts';
import { implement } from '#server/http/route.ts';

/**
 * The contract is checked by the compiler: `npm run typecheck` (tsc over tests/) fails when one of
 * the `@ts-expect-error` lines below stops being an error, that is when a wrong handler compiles.
 */

const counted = route({
  method: 'get',
  path: '/things/:id',
  summary: 'A thing',
  roles: allUsers,
  params: z.object({ id: idParamSchema }),
  response: z.object({ id: z.number(), name: z.string() }),
});
const openToAll = route({ method: 'get', path: '/hello', summary: 'Hello', roles: 'public', response: z.object({ name: z.string() }) });
const noContent = route({ method: 'delete', path: '/things/:id', summary: 'Remove a thing', roles: allUsers, params: z.object({ id: idParamSchema }) });
const maybeNothing = route({
  method: 'get',
  path: '/next',
  summary: 'The next thing',
  roles: allUsers,
  response: z.object({ id: z.number() }),
  emptyWhenNone: true,
});

describe('a route handler, as the compiler checks it', () => {
  it('returns what its response schema says, and nothing else', () => {
    implement(counted, ({ params }) => ({ id: params.id, name: 'x' }));
    implement(counted, async ({ params }) => ({ id: params.id, name: 'x' }));
    // @ts-expect-error a field of the wrong type
    implement(counted, () => ({ id: '1', name: 'x' }));
    // @ts-expect-error a field missing
    implement(counted, () => ({ id: 1 }));
    // @ts-expect-error the wrong shape, asynchronously
    implement(counted, async () => ({ name: 1 }));
    // @ts-expect-error nothing, where the route promises a body
    implement(counted, () => undefined);
    expect(true).toBe(true);
  });

  it('answers nothing where the route has no response, and may where the route is marked emptyWhenNone', () => {
    implement(noContent, () => {});
    // @ts-expect-error a body where the route answers 204
    implement(noContent, () => ({ ok: true }));
    implement(maybeNothing, () => undefined);
    implement(maybeNothing, () => ({ id: 1 }));
    expect(true).toBe(true);
  });

  it('has a user wherever the route is not public, and path parameters already parsed', () => {
    implement(counted, ({ user, params }) => ({ id: params.id + user.id, name: user.username }));
    implement(openToAll, ({ user }) => ({ name: user?.username ?? 'stranger' }));
    // @ts-expect-error a public route's user may be null
    implement(openToAll, ({ user }) => ({ name: user.username }));
    // @ts-expect-error an id parameter is a number by the time the handler has it
    implement(counted, ({ params }) => ({ id: 1, name: params.id.toUpperCase() }));
    expect(true).toBe(true);
  });
});

describe('a client call, as the compiler checks it', () => {
  it('sends the inputs the route declares and gets its response type', () => {
    const input: RequestInput<typeof counted> = { params: { id: '42' } };
    // @ts-expect-error path parameters are required where the route has them
    const missing: RequestInput<typeof counted> = {};
    const result: RequestResult<typeof counted> = { id: 1, name: 'x' };
    const nothing: RequestResult<typeof maybeNothing> = undefined;
    expect([input, missing, result, nothing]).toHaveLength(4);
  });
});
