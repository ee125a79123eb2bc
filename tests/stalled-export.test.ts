process.env.ORDINAL_EXPORT_IDLE_TIMEOUT_MS = '500';

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { conversation, rankEveryComparison, startServer } from './support/app.ts';

/**
 * A download that stalls (issue 14, item 13): an export holds a read snapshot while it streams,
 * and while it does no checkpoint can empty the WAL, which grew from 4 MB to 1.8 GB in 20 s under
 * trainer load. A reader that takes nothing for ORDINAL_EXPORT_IDLE_TIMEOUT_MS is let go.
 */
describe('an export whose reader stops reading', () => {
  it('is closed after the idle timeout, releasing its snapshot so a checkpoint can empty the WAL', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    // About 40 MB of export: far more than the socket buffers between a server and a reader that stopped.
    const long = 'x'.repeat(2000);
    const lines = Array.from({ length: 6000 }, (_, i) => ({
      ...conversation(`c${i}`),
      completions: [1, 2, 3].map((k) => ({ content: `Answer ${k} ${long}` })),
    }));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    const researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    rankEveryComparison(server.db, slug, trainer.id);

    const { port } = new URL(server.url);
    const reader = net.connect(Number(port), '127.0.0.1');
    reader.on('error', () => {});
    let received = 0;
    reader.once('data', (chunk: Buffer) => {
      received += chunk.length;
      // Stops reading after the first bytes, as a stuck client does.
      reader.pause();
    });
    reader.write(`GET /api/v1/projects/${slug}/export?format=rankings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${researcher.token}\r\n\r\n`);
    await expect.poll(() => received).toBeGreaterThan(0);

    // A trainer's write after the export's snapshot: the checkpoint cannot copy it while the export reads.
    server.db.sqlite.prepare('UPDATE projects SET name = ? WHERE slug = ?').run('renamed during export', slug);
    const checkpoint = () => server.db.sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    expect(checkpoint()[0]!.checkpointed).toBeLessThan(checkpoint()[0]!.log);

    await expect
      .poll(() => {
        const [state] = checkpoint();
        return state!.checkpointed === state!.log;
      })
      .toBe(true);
    expect(server.db.sqlite.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
    reader.destroy();
  });
});
