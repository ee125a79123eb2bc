import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

/** The repository root, where `bin/ordinal.js` lives. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repoRoot, 'bin/ordinal.js');
/** tsx's loader, as a URL: `--import tsx` would be looked up from the child's working directory. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A new, empty temp dir; a database path inside it does not exist yet. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-cli-'));
}

/** An environment for the CLI without the caller's ORDINAL_DB or PORT leaking in. */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  delete env.ORDINAL_DB;
  delete env.PORT;
  delete env.ORDINAL_ADMIN_PASSWORD;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  /** Standard output exactly as written, for byte comparisons. */
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs `node bin/ordinal.js <args>` to completion, optionally feeding standard input. */
/**
 * Runs `ordinal` as a user would: bin/ordinal.js, which the global setup's build makes the compiled
 * CLI. With `typescript`, the CLI's TypeScript sources run through tsx instead.
 */
export function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string | undefined>; cwd?: string; typescript?: boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const entry = options.typescript ? ['--import', tsxLoader, path.join(repoRoot, 'server/cli/main.ts')] : [bin];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: options.cwd ?? os.tmpdir(),
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ status, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** `runCli` with `--db <file>` that fails loudly unless the command exits 0. */
export async function cli(db: string, args: string[], options: { input?: string } = {}): Promise<string> {
  const result = await runCli(['--db', db, ...args], options);
  if (result.status !== 0) throw new Error(`ordinal ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** A port nobody listens on right now (the OS picks it; we release it for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server printed on standard output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
const killRunning = () => {
  for (const child of running) child.kill('SIGKILL');
};
// Registered as the test file loads this module: an afterAll first asked for inside a test is never run,
// and a test that fails before stopping its server would leave it running. The exit handler covers a
// test process that ends without its hooks (a timeout).
afterAll(killRunning);
process.once('exit', killRunning);

/**
 * `node bin/ordinal.js --db <file> serve --port <free port>` as a child process, resolved once it
 * has printed its banner for that port (so the port is ours, not another process's) and
 * GET /api/v1/openapi.json answers. Killed after the test file if still running.
 */
export interface ChildServerOptions {
  db: string;
  /** Pass the database as `--db <file>` (default) or as the ORDINAL_DB variable. */
  dbVia?: 'flag' | 'env';
  /** Arguments after `serve --port <n> --host 127.0.0.1`; `--no-demo` unless given. */
  args?: string[];
  env?: Record<string, string | undefined>;
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  // Another process may take the free port between our probe and the child's listen: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnServer(options, await freePort());
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function spawnServer(options: ChildServerOptions, port: number): Promise<ChildServer> {
  const viaEnv = options.dbVia === 'env';
  const args = [...(viaEnv ? [] : ['--db', options.db]), 'serve', '--port', String(port), '--host', '127.0.0.1', ...(options.args ?? ['--no-demo'])];
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: os.tmpdir(),
    env: cleanEnv({ ...options.env, ...(viaEnv ? { ORDINAL_DB: options.db } : {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await new Promise((resolve) => setImmediate(resolve));
      if (err.includes('EADDRINUSE')) throw new PortTaken(`port ${port} was taken`);
      throw new Error(`The server exited before answering (code ${child.exitCode}): ${err}`);
    }
    if (out.includes(`:${port}`)) {
      try {
        const response = await fetch(`${url}/api/v1/openapi.json`);
        await response.arrayBuffer();
        if (response.ok) break;
      } catch {
        /* not answering yet */
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not answer within 60 s: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    port,
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited: exitedPromise,
    async kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
      await exitedPromise;
    },
  };
}

/** Logs in with POST /session and returns the session cookie header value ("ordinal_session=…"). */
export async function logIn(url: string, username: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await response.arrayBuffer();
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('ordinal_session='));
  return { status: response.status, cookie: setCookie ? setCookie.split(';')[0]! : null };
}

/** A JSON request with a Bearer token. */
export function bearer(url: string, token: string) {
  return (method: string, pathname: string, body?: unknown) =>
    fetch(`${url}/api/v1${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}
