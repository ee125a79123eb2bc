import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { createApiToken } from '#server/modules/auth/auth.usecases.ts';
import { createUser } from '#server/modules/users/users.usecases.ts';
import { conversation, rankEveryComparison } from './support/app.ts';
import { bearer, cli, startChildServer, tempDir } from './support/child-server.ts';

/**
 * Long work that grows with a project never holds up a trainer (issue 15): while it is in flight,
 * a trainer's `next` and `PUT ranking` are answered. Asserted as an order of events (the trainer's
 * answers arrive before the long work ends), never as a time. The server runs in its own process,
 * as in use: a reader in the same process would slow the work down to its own pace.
 */

type Api = ReturnType<typeof bearer>;

/** A trainer's next comparison, ranked; resolves when both answers have arrived. */
async function rankOne(trainer: Api, slug: string) {
  const next = await trainer('GET', `/projects/${slug}/next?kind=comparison`);
  expect(next.status).toBe(200);
  const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  const put = await trainer('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]) });
  expect(put.status).toBe(200);
}

/** The order in which the two finished. */
async function whichFirst(long: Promise<unknown>, short: Promise<unknown>) {
  const order: string[] = [];
  await Promise.all([long.then(() => order.push('long work')), short.then(() => order.push('trainer'))]);
  return order;
}

/** A database with a ranked project `big` (about 40 MB of export) and a project `work` with one comparison left. */
async function preparedServer() {
  const dir = tempDir();
  const file = path.join(dir, 'ordinal.db');
  const long = 'x'.repeat(2000);
  const big = Array.from({ length: 6000 }, (_, i) => ({ ...conversation(`big${i}`), completions: [1, 2, 3].map((k) => ({ content: `Answer ${k} ${long}` })) }));
  fs.writeFileSync(path.join(dir, 'big.jsonl'), big.map((l) => JSON.stringify(l)).join('\n'));
  fs.writeFileSync(path.join(dir, 'work.jsonl'), JSON.stringify(conversation('work')));
  for (const slug of ['big', 'work']) {
    await cli(file, ['projects', 'create', slug]);
    await cli(file, ['import', path.join(dir, `${slug}.jsonl`), '--project', slug]);
  }
  const db = openDatabase(file);
  const userWithToken = async (username: string, role: 'researcher' | 'trainer') => {
    const user = await createUser(db, { username, role, password: `${username}-password` }, null);
    return { id: Number(user.id), token: createApiToken(db, Number(user.id), 'test', null).token };
  };
  const [researcher, ranker, trainer] = [
    await userWithToken('rita', 'researcher'),
    await userWithToken('ranker', 'trainer'),
    await userWithToken('tom', 'trainer'),
  ];
  rankEveryComparison(db, 'big', ranker.id);
  db.sqlite.close();
  const server = await startChildServer({ db: file });
  return {
    server,
    researcher: Object.assign(bearer(server.url, researcher.token), { authorization: `Bearer ${researcher.token}` }),
    trainer: bearer(server.url, trainer.token),
  };
}

describe('while a large export streams to a fast reader', () => {
  it("a trainer's next and ranking are answered before it ends", async () => {
    const { researcher, trainer } = await preparedServer();
    const response = await researcher('GET', `/projects/big/export?format=rankings`);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    // The first bytes are here: the export is under way, and it is read as fast as it comes.
    expect((await reader.read()).done).toBe(false);
    let bytes = 0;
    const exporting = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.length;
    })();
    expect(await whichFirst(exporting, rankOne(trainer, 'work'))).toEqual(['trainer', 'long work']);
    expect(bytes).toBeGreaterThan(30_000_000);
  });
});

describe('while a large HTTP import is in flight', () => {
  it("a trainer's next and ranking on another project are answered before it ends", async () => {
    const { server, researcher, trainer } = await preparedServer();
    expect((await researcher('POST', '/projects', { slug: 'incoming', name: 'Incoming' })).status).toBe(201);
    const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify(conversation(`incoming${i}`))).join('\n');
    const started = await fetch(`${server.url}/api/v1/projects/incoming/imports`, {
      method: 'POST',
      headers: { authorization: researcher.authorization, 'content-type': 'application/x-ndjson' },
      body: lines,
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    // The job has the whole file: from here on it is checked and written while the trainer works.
    const importing = (async () => {
      for (;;) {
        const job = (await (await researcher('GET', `/projects/incoming/imports/${id}`)).json()) as { state: string; result: { conversations: number } | null };
        if (job.state === 'done') return expect(job.result!.conversations).toBe(40_000);
        expect(job.state).not.toBe('failed');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    expect(await whichFirst(importing, rankOne(trainer, 'work'))).toEqual(['trainer', 'long work']);
  });
});

describe('while an export is counted', () => {
  it("a trainer's next and ranking are answered before the count", async () => {
    const { researcher, trainer } = await preparedServer();
    // hh is counted record by record (its prompts are checked for Human/Assistant turns): it reads every text.
    const counting = researcher('GET', '/projects/big/export/count?format=hh').then(async (response) => {
      expect(response.status).toBe(200);
      expect(((await response.json()) as { rows: number }).rows).toBeGreaterThan(6000);
    });
    expect(await whichFirst(counting, rankOne(trainer, 'work'))).toEqual(['trainer', 'long work']);
  });
});
