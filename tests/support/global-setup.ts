import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '#server/db/client.ts';
import { buildClient } from '../../scripts/client-build.ts';
import { buildServer } from '../../scripts/server-build.js';
import { ensureChromium } from './browser.ts';

/**
 * Gives the whole run one temporary directory, through TMPDIR, which the test processes and the
 * servers and browsers they start inherit: what they leave in it goes with it at the end.
 * Migrates one template database there; every test copies it instead of migrating again
 * (the Epic Stack's decision 038), so tests never share or clean up a database. Also builds the
 * client and the compiled CLI, as `npm start` does, and makes sure Chromium is there, for the browser tests.
 */
export default async function setup() {
  buildClient();
  await buildServer();
  ensureChromium();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-tests-'));
  process.env.TMPDIR = dir;
  const file = path.join(dir, 'template.db');
  const db = openDatabase(file);
  db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  db.sqlite.close();
  process.env.ORDINAL_TEST_TEMPLATE_DB = file;
  // A browser that is still shutting down may write into its profile while it goes: retry (ENOTEMPTY).
  return () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
