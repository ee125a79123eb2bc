// Client: the JavaScript the ranking page loads (gzip) and the time from "Submit ranking" to the next
// comparison's cards in the page, in Chromium, against the real server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { buildClient } from '../scripts/client-build.ts';
import { absoluteFigure, log, median, ordinal, root, round, startServer, stopChild, tempDir, writeConversations, type Figure } from './lib.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SUBMISSIONS = 30;
const PASSWORD = 'bench-password-1';

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (fs.existsSync(CHROMIUM)) return;
  }
  throw new Error(`The client benchmark needs Chromium at ${CHROMIUM}: "sudo apt-get install -y chromium", or set CHROMIUM_PATH.`);
}

const gzipSize = (bytes: Buffer) => zlib.gzipSync(bytes).length;

/**
 * The floor for the size: the smallest React app, React + ReactDOM rendering one element, built by
 * the same Vite (same minifier) in production mode, gzipped the same way.
 */
async function reactFloorBytes(dir: string): Promise<number> {
  const outDir = path.join(dir, 'react-floor');
  const id = 'virtual:react-floor';
  await build({
    configFile: false,
    root,
    logLevel: 'silent',
    mode: 'production',
    plugins: [
      {
        name: 'react-floor',
        resolveId: (source) => (source === id ? `\0${id}` : null),
        load: (source) =>
          source === `\0${id}`
            ? "import { createElement } from 'react';\nimport { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(createElement('p', null, 'hello'));\n"
            : null,
      },
    ],
    build: { outDir, emptyOutDir: true, write: true, minify: true, modulePreload: false, rollupOptions: { input: id } },
  });
  let total = 0;
  for (const file of fs.readdirSync(outDir, { recursive: true }) as string[]) {
    if (file.endsWith('.js')) total += gzipSize(fs.readFileSync(path.join(outDir, file)));
  }
  return total;
}

/** Two animation frames, then until no card is animating (dnd-kit measures cards where they are). */
async function settle(page: Page) {
  // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  await page.evaluate(`new Promise((resolve) => {
    const check = () => {
      const moving = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.target?.closest?.('li.card')).length;
      if (moving) requestAnimationFrame(check);
      else resolve();
    };
    requestAnimationFrame(() => requestAnimationFrame(check));
  })`);
}

const cardIds = (page: Page) => page.locator('li.card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.candidateId!));

/** Moves the second card to the top with the keyboard: focus its handle (2), lift (Space), up, drop. */
async function moveOneCard(page: Page) {
  await settle(page);
  const before = await cardIds(page);
  await page.keyboard.press('2');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-position') === '2');
  await page.keyboard.press('Space');
  await settle(page);
  await page.keyboard.press('ArrowUp');
  await settle(page);
  await page.keyboard.press('Space');
  await settle(page);
  const after = await cardIds(page);
  if (after[0] !== before[1]) throw new Error(`client: moving a card did not work (${before.join(',')} → ${after.join(',')})`);
}

/** In the page: click Submit, and time until the first card shown is one of the next comparison's (DOM), and the frame after it. */
const timeSubmit = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ dom: number; frame: number }>((resolve, reject) => {
        const old = new Set([...document.querySelectorAll<HTMLElement>('li.card')].map((c) => c.dataset.candidateId));
        const button = document.querySelector<HTMLButtonElement>('section.submit-bar button.primary');
        if (!button) return reject(new Error('no Submit ranking button'));
        const timer = setTimeout(() => reject(new Error('the next comparison did not appear within 10 s')), 10_000);
        let t0 = 0;
        const observer = new MutationObserver(() => {
          const first = document.querySelector<HTMLElement>('li.card');
          if (first?.dataset.candidateId && !old.has(first.dataset.candidateId)) {
            const dom = performance.now() - t0;
            observer.disconnect();
            clearTimeout(timer);
            requestAnimationFrame(() => resolve({ dom, frame: performance.now() - t0 }));
          }
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-candidate-id'] });
        t0 = performance.now();
        button.click();
      }),
  );

export async function clientBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  ensureChromium();
  // Always a fresh build: the figure is about the code as it is now.
  log('client: building the web app (vite build)');
  buildClient({ force: true });
  const dir = tempDir('client');
  const db = path.join(dir, 'client.db');
  const file = path.join(dir, 'client.jsonl');
  writeConversations(file, SUBMISSIONS + 10, 4, 3);
  await ordinal(db, ['projects', 'create', 'rank', '--name', 'Client bench', '--overlap', '1']);
  await ordinal(db, ['import', file, '--project', 'rank']);
  await ordinal(db, ['users', 'add', 'ranker', '--role', 'trainer', '--password', PASSWORD]);
  const floor = await reactFloorBytes(dir);

  const { server, base } = await startServer(db);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (response) => {
      const url = response.url();
      if (!url.startsWith(`${base}/`) || scripts.has(url)) return;
      const type = response.request().resourceType();
      if (type === 'script' || /javascript/.test(response.headers()['content-type'] ?? '')) scripts.set(url, response.body());
    });

    log(`client: logging in and opening /projects/rank/rank in Chromium`);
    await page.goto(`${base}/projects/rank/rank`);
    await page.locator('input[name=username]').fill('ranker');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('li.card').first().waitFor();
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(
      [...scripts].map(async ([url, body]) => ({ url: url.slice(base.length), bytes: (await body).length, gzip: gzipSize(await body) })),
    );
    const gzipTotal = files.reduce((sum, f) => sum + f.gzip, 0);
    const rawTotal = files.reduce((sum, f) => sum + f.bytes, 0);
    log(`client: ${files.length} scripts, ${(rawTotal / 1024).toFixed(0)} KiB, ${(gzipTotal / 1024).toFixed(0)} KiB gzipped`);

    log(`client: ${SUBMISSIONS} submissions`);
    const dom: number[] = [];
    const frame: number[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) {
      await page.locator('li.card').first().waitFor();
      await moveOneCard(page);
      const t = await timeSubmit(page);
      dom.push(t.dom);
      frame.push(t.frame);
      if (await page.getByRole('dialog').count()) throw new Error('client: a dialog opened after submitting');
    }
    await settle(page);
    const fetches = await page.evaluate(async (n) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const response = await fetch('/api/v1/session', { credentials: 'same-origin' });
        await response.json();
        times.push(performance.now() - t0);
      }
      return times;
    }, SUBMISSIONS);
    await context.close();

    const submitMedian = median(dom);
    const fetchMedian = median(fetches);
    return {
      details: { scripts: files, gzipTotal, rawTotal, reactFloorGzip: floor, submitDomMs: dom, submitFrameMs: frame, fetchMs: fetches },
      figures: [
        absoluteFigure({
          name: 'client: JavaScript the ranking page loads, gzipped (baseline: React + ReactDOM alone)',
          value: round(gzipTotal / 1024, 1),
          baseline: round(floor / 1024, 1),
          ratio: round(gzipTotal / floor),
          max: 200,
          unit: 'KB',
          note: `${files.length} files, ${(rawTotal / 1024).toFixed(0)} KB before gzip; largest: ${[...files]
            .sort((a, b) => b.gzip - a.gzip)
            .slice(0, 4)
            .map((f) => `${path.basename(f.url)} ${(f.gzip / 1024).toFixed(0)} KB`)
            .join(', ')}`,
        }),
        absoluteFigure({
          name: `client: submit → next comparison's cards in the page, median of ${SUBMISSIONS} (baseline: GET /session fetch)`,
          value: round(submitMedian, 1),
          baseline: round(fetchMedian, 1),
          ratio: round(submitMedian / fetchMedian),
          max: 150,
          unit: 'ms',
          note: `to the next animation frame: median ${round(median(frame), 1)} ms; max to DOM ${round(Math.max(...dom), 1)} ms`,
        }),
      ],
    };
  } finally {
    await browser.close();
    await stopChild(server.child);
    fs.rmSync(file, { force: true });
  }
}
