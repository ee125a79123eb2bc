import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll } from 'vitest';
import { createApp } from '#server/app.ts';
import { openDatabase, type Db } from '#server/db/client.ts';
import { createLogger } from '#server/logger.ts';
import { createApiToken } from '#server/modules/auth/auth.usecases.ts';
import { createProject } from '#server/modules/projects/projects.usecases.ts';
import { createUser } from '#server/modules/users/users.usecases.ts';
import type { CreateProject } from '#shared/projects.ts';
import type { UserRole } from '#shared/users.ts';

/** A fresh database file in its own temp dir, copied from the migrated template. */
export function freshDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-test-'));
  const file = path.join(dir, 'ordinal.db');
  fs.copyFileSync(process.env.ORDINAL_TEST_TEMPLATE_DB!, file);
  return file;
}

export interface TestServer {
  url: string;
  db: Db;
  /** A user with an API token; `api` sends Bearer-authenticated JSON requests as them. */
  user(role: UserRole, username?: string): Promise<TestUser>;
  project(settings?: Partial<CreateProject>): string;
  /** Imports JSONL lines (objects are stringified) into a project through the real importer. */
  importLines(slug: string, lines: unknown[]): Promise<Response>;
  close(): Promise<void>;
}

export interface TestUser {
  id: number;
  username: string;
  password: string;
  token: string;
  api(method: string, pathname: string, body?: unknown): Promise<Response>;
}

let counter = 0;

/** The real app on a real SQLite file, listening on a random port. Closed after the file's tests. */
export async function startServer({ serveClient = false } = {}): Promise<TestServer> {
  const db = openDatabase(freshDbFile(), { serving: true });
  const app = createApp({ db, logger: createLogger(), serveClient });
  const server: Server = await new Promise((resolve) => {
    const s = app.handler.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let admin: TestUser | undefined;

  const testServer: TestServer = {
    url,
    db,
    async user(role, username = `${role}${++counter}`) {
      const password = `${username}-password`;
      const created = await createUser(db, { username, role, password }, null);
      const { token } = createApiToken(db, Number(created.id), 'test', null);
      return {
        id: Number(created.id),
        username,
        password,
        token,
        api: (method, pathname, body) =>
          fetch(`${url}/api/v1${pathname}`, {
            method,
            headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
      };
    },
    project(settings = {}) {
      const slug = settings.slug ?? `project-${++counter}`;
      createProject(db, { name: slug, ...settings, slug }, null);
      return slug;
    },
    async importLines(slug, lines) {
      admin ??= await testServer.user('admin');
      return fetch(`${url}/api/v1/projects/${slug}/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/x-ndjson' },
        body: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.sqlite.close();
          resolve();
        });
      }),
  };
  afterAll(() => testServer.close());
  return testServer;
}

/** A conversation line for imports: `k` candidates answering one user message. */
export function conversation(id: string, k = 3, extra: Record<string, unknown> = {}) {
  return {
    id,
    messages: [{ role: 'user', content: `Question ${id}?` }],
    completions: Array.from({ length: k }, (_, i) => ({ content: `Answer ${i + 1} to ${id}${'.'.repeat(i)}`, model: `model-${i % 2}` })),
    ...extra,
  };
}

/**
 * What submitRanking writes for one trainer's answer to every comparison of a project (lease,
 * ranking, revision, count), in one transaction: large projects for export tests in a second
 * instead of minutes of API calls. `order` turns the candidate ids (in id order) into groups.
 * Returns how many comparisons were ranked.
 */
/** As if a user's leases had run out: their expiry, and so their comparisons' full_until, move into the past. */
export function expireLeasesOf(db: Db, userId: number): void {
  const past = Date.now() - 1;
  db.sqlite.prepare('UPDATE assignments SET expires_at = ? WHERE user_id = ?').run(past, userId);
  db.sqlite
    .prepare('UPDATE comparisons SET full_until = min(full_until, ?) WHERE id IN (SELECT comparison_id FROM assignments WHERE user_id = ?)')
    .run(past, userId);
}

export function rankEveryComparison(db: Db, slug: string, trainerId: number, order: (ids: string[]) => string[][] = (ids) => ids.map((id) => [id])): number {
  const s = db.sqlite;
  const comparisons = s
    .prepare<[string], { id: number; parentMessageId: number }>(
      'SELECT c.id, c.parent_message_id AS parentMessageId FROM comparisons c JOIN projects p ON p.id = c.project_id WHERE p.slug = ? ORDER BY c.id',
    )
    .all(slug);
  const candidates = s.prepare<[number], { id: number }>("SELECT id FROM messages WHERE parent_id = ? AND role = 'assistant' ORDER BY id");
  const assignment = s.prepare('INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)');
  const ranking = s.prepare(
    `INSERT INTO rankings (comparison_id, user_id, ranking, ratings, flags, note, duration_ms, shown_order, revision, created_at, updated_at)
     VALUES (?, ?, ?, '{}', '{}', '', 1000, ?, 1, ?, ?)`,
  );
  const revision = s.prepare(
    `INSERT INTO ranking_revisions (ranking_id, revision, ranking, ratings, flags, note, duration_ms, submitted_at) VALUES (?, 1, ?, '{}', '{}', '', 1000, ?)`,
  );
  const counted = s.prepare('UPDATE comparisons SET ranking_count = ranking_count + 1, done = 1 WHERE id = ?');
  const now = Date.now();
  s.transaction(() => {
    for (const c of comparisons) {
      const ids = candidates.all(c.parentMessageId).map((m) => String(m.id));
      const shown = JSON.stringify(ids);
      const groups = JSON.stringify(order(ids));
      assignment.run(c.id, trainerId, shown, now, now + 60_000, now);
      revision.run(ranking.run(c.id, trainerId, groups, shown, now, now).lastInsertRowid, groups, now);
      counted.run(c.id);
    }
  })();
  return comparisons.length;
}
