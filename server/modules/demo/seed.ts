import crypto from 'node:crypto';
import path from 'node:path';
import { packageRoot } from '#server/paths.ts';
import type { Db } from '#server/db/client.ts';
import { importFile } from '#server/modules/conversations/import.ts';
import { findProject } from '#server/modules/projects/projects.repository.ts';
import { createProject } from '#server/modules/projects/projects.usecases.ts';
import { countUsers, createUser } from '#server/modules/users/users.usecases.ts';

const demoFile = path.join(packageRoot, 'server/modules/demo/demo.jsonl');

const guidelines = `# How to rank

Read the conversation, then order the answers **best first**.

1. **Helpful**: does it do what the user asked, completely?
2. **Honest**: is everything it says true? Penalise made-up facts hard.
3. **Harmless**: does it avoid helping with real harm, without lecturing?

Length is not quality: a short correct answer beats a long padded one.
Tick a flag for every problem you see, and leave a note when something is unclear.`;

/**
 * First start on an empty database: an admin with a random password (returned to be printed once)
 * and the demo project. Later starts change nothing.
 */
export async function seedIfEmpty(db: Db, options: { demo: boolean; adminPassword?: string }) {
  let admin: { username: string; password: string } | null = null;
  if (countUsers(db) === 0) {
    const password = options.adminPassword ?? crypto.randomBytes(12).toString('base64url');
    await createUser(db, { username: 'admin', role: 'admin', password }, null);
    admin = { username: 'admin', password };
  }
  let demoCreated = false;
  if (options.demo && admin && !findProject(db, 'demo')) {
    createProject(db, { slug: 'demo', name: 'Demo: assistant answers', guidelines, overlap: 2, allowTies: true }, null);
    const result = await importFile(db, findProject(db, 'demo')!, demoFile, { actorId: null });
    if (!result.imported) throw new Error(`The demo data does not import: ${JSON.stringify(result.errors)}`);
    demoCreated = true;
  }
  return { admin, demoCreated };
}
