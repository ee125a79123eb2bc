// An import upload may take as long as it needs, but one that stalls is closed
// (ORDINAL_UPLOAD_IDLE_TIMEOUT_MS), leaving no file and no rows behind.
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadsDir } from '#server/paths.ts';
import { conversation, startServer, type TestServer } from './support/app.ts';

let server: TestServer;
beforeAll(async () => {
  process.env.ORDINAL_UPLOAD_IDLE_TIMEOUT_MS = '300';
  server = await startServer();
});
afterAll(async () => {
  delete process.env.ORDINAL_UPLOAD_IDLE_TIMEOUT_MS;
  await server.close();
});

describe('an import upload that stalls', () => {
  it('is closed once no byte has arrived for the idle timeout; nothing is kept of it', async () => {
    const researcher = await server.user('researcher');
    const slug = server.project();
    const url = new URL(`${server.url}/api/v1/projects/${slug}/imports`);
    const firstLine = `${JSON.stringify(conversation('stalled-1'))}\n`;
    // Announces far more than it sends, then sends nothing more: the server must not wait for ever.
    const closed = await new Promise<string>((resolve) => {
      const request = http.request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${researcher.token}`, 'content-type': 'application/x-ndjson', 'content-length': String(10 * firstLine.length) },
      });
      request.on('response', (response) => resolve(`answered ${response.statusCode}`));
      request.on('error', (error) => resolve(`closed: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      request.write(firstLine);
    });
    expect(closed).toMatch(/^closed: (ECONNRESET|EPIPE|socket hang up)/);
    const uploads = uploadsDir(server.db.file);
    expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([]);
    expect(server.db.sqlite.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 0 });
  });
});
