import { describe, expect, it } from 'vitest';
import { conversation, startServer } from './support/app.ts';

describe('the comparison loop', () => {
  it('imports, hands out, stores and exports a ranking', async () => {
    const server = await startServer();
    const slug = server.project({ overlap: 1 });
    expect((await server.importLines(slug, [conversation('a', 2)])).status).toBe(200);
    const trainer = await server.user('trainer');
    const next = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
    expect(next.status).toBe(200);
    const { comparison } = await next.json();
    const [first, second] = comparison.candidates.map((c: { id: string }) => c.id);
    const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: [[second], [first]] });
    expect(put.status).toBe(200);
    const researcher = await server.user('researcher');
    const exported = await (await researcher.api('GET', `/projects/${slug}/export?format=trl`)).text();
    expect(exported.trim().split('\n')).toHaveLength(1);
    expect((await trainer.api('GET', `/projects/${slug}/next`)).status).toBe(204);
  });
});
