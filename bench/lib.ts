// Shared helpers of the benchmark suite (npm run bench): child processes, timing, data generation.
import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const benchDir = path.join(root, 'bench');
export const ordinalBin = path.join(root, 'bin/ordinal.js');

/** BENCH_SCALE=0.1 for a quick run; every size is multiplied by it. */
export const SCALE = Number(process.env.BENCH_SCALE ?? '1');
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, not ${process.env.BENCH_SCALE}`);
export const scaled = (n: number, min = 1) => Math.max(min, Math.round(n * SCALE));
/** Timed runs of the export and import benchmarks; the fastest counts (BENCH_REPEAT, default 2). */
export const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? '2') || 1);

/** One row of bench/results.json. */
export interface Result {
  name: string;
  value: number;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  unit: string;
}

/** A figure with how its goal is judged: `ratio ≥ x` (higher is better) or `value < x`. */
export interface Figure extends Result {
  met: boolean;
  note?: string;
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export function ratioFigure(f: Omit<Figure, 'met' | 'goal' | 'ratio'> & { min: number; ratio: number }): Figure {
  return { ...f, ratio: round(f.ratio), goal: `≥ ${f.min}`, met: f.ratio >= f.min };
}
export function absoluteFigure(f: Omit<Figure, 'met' | 'goal'> & { max: number }): Figure {
  return { ...f, goal: `< ${f.max} ${f.unit}`, met: f.value < f.max };
}

export const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let tmpRoot: string | null = null;
/** A fresh directory under one temp root for this run (removed at the end unless BENCH_KEEP=1). */
export function tempDir(name: string): string {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-bench-'));
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
export function cleanTemp() {
  if (!tmpRoot) return;
  if (process.env.BENCH_KEEP === '1') log(`kept temp files in ${tmpRoot}`);
  else fs.rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = null;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion; wall time from spawn to exit. Rejects on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions & { stdoutFile?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { stdoutFile, input, ...spawnOptions } = options;
    const outFd = stdoutFile ? fs.openSync(stdoutFile, 'w') : null;
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      ...spawnOptions,
      stdio: [input === undefined ? 'ignore' : 'pipe', outFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (outFd !== null) fs.closeSync(outFd);
      const result = { code, stdout, stderr, ms };
      if (code === 0) resolve(result);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-4000)}`));
    });
  });
}

/**
 * Node's arguments for the `ordinal` command as `npx ordinal` runs it: the flags of its first line
 * (`#!/usr/bin/env -S node …`), then `nodeArgs`, then the command's file. With this Node, not the
 * first on the PATH.
 */
const ordinalCommand = (nodeArgs: string[] = []) => {
  const shebang = /^#!\/usr\/bin\/env -S node(.*)$/.exec(fs.readFileSync(ordinalBin, 'utf8').split('\n', 1)[0]!);
  if (!shebang) throw new Error(`${ordinalBin}: its first line is not "#!/usr/bin/env -S node …"`);
  return [...shebang[1]!.trim().split(/\s+/).filter(Boolean), ...nodeArgs, ordinalBin];
};

/** The `ordinal` CLI on a database, as a user would run it. */
export const ordinal = (db: string, args: string[], { nodeArgs = [], ...options }: Parameters<typeof run>[2] & { nodeArgs?: string[] } = {}) =>
  run(process.execPath, [...ordinalCommand(nodeArgs), '--db', db, ...args], {
    ...options,
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
  });

/** Debian's sqlite3 CLI, installed with apt when running as root and missing. */
export const SQLITE3 = '/usr/bin/sqlite3';
export function ensureSqlite3() {
  if (fs.existsSync(SQLITE3)) return;
  if (process.getuid?.() === 0) {
    log('installing sqlite3 with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['install', '-y', '-qq', 'sqlite3'], { stdio: 'inherit', env });
    } catch {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'sqlite3'], { stdio: 'inherit', env });
    }
    if (fs.existsSync(SQLITE3)) return;
  }
  throw new Error(`The export benchmark compares against Debian's sqlite3 CLI at ${SQLITE3}. Install it with "sudo apt-get install -y sqlite3".`);
}

/** Deterministic pseudo-random numbers (mulberry32), so every run generates the same data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (
  'the a of to and in is it you that for on with as this be are can not your by use from or an will at have if more one which ' +
  'model answer question data function value list string number file server request table query index token memory time ' +
  'first then when each other because return example result error check simple better faster small large step order rank'
).split(' ');

/** Text of about `length` characters: sentences of common words, some Markdown, some line breaks. */
export function text(random: () => number, length: number): string {
  const parts: string[] = [];
  let size = 0;
  let sentence = 0;
  while (size < length) {
    const n = 6 + Math.floor(random() * 10);
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(words[Math.floor(random() * words.length)]!);
    if (sentence % 5 === 2) ws[1] = `**${ws[1]}**`;
    if (sentence % 7 === 3) ws[2] = `\`${ws[2]}\``;
    let s = ws.join(' ');
    s = `${s[0]!.toUpperCase()}${s.slice(1)}${random() < 0.15 ? '?' : '.'}`;
    parts.push(s);
    size += s.length + 1;
    sentence++;
    if (sentence % 4 === 0 && size < length) parts.push('\n\n');
  }
  return parts.join(' ').replace(/ \n\n /g, '\n\n');
}

export interface GeneratedLine {
  id: string;
  messages: Array<{ role: 'system' | 'user'; content: string }>;
  completions: Array<{ content: string; model: string; params: { temperature: number; seed: number } }>;
  metadata: { source: string; n: number };
}

/** One import line (docs/import-format.md): a context of a system prompt (every other line) and a user turn, and k completions. */
export function conversationLine(random: () => number, n: number, k: number, sizes = { prompt: 240, answer: 360 }): GeneratedLine {
  const messages: GeneratedLine['messages'] = [];
  if (n % 2 === 0) messages.push({ role: 'system', content: `You are a helpful assistant. ${text(random, 60)}` });
  messages.push({ role: 'user', content: `${text(random, sizes.prompt)} (#${n})` });
  const completions = Array.from({ length: k }, (_, i) => ({
    content: `${text(random, sizes.answer * (0.5 + random()))} [${n}.${i}]`,
    model: `bench-model-${i % 3}`,
    params: { temperature: 1, seed: n * 10 + i },
  }));
  return { id: `conv-${n}`, messages, completions, metadata: { source: 'bench', n } };
}

/** Writes `count` conversations of k completions as JSONL; returns the file's size in bytes. */
export function writeConversations(file: string, count: number, k: number, seed: number): number {
  const random = prng(seed);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    let chunk = '';
    for (let n = 1; n <= count; n++) {
      chunk += `${JSON.stringify(conversationLine(random, n, k))}\n`;
      if (chunk.length > 1 << 20 || n === count) {
        bytes += fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

/** Starts a long-running child and waits until its standard output matches `ready`; returns it with the match. */
export function startChild(command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000) {
  return new Promise<{ child: ReturnType<typeof spawn>; match: RegExpMatchArray; stderr: () => string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start within ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (err.length > 100_000) err = err.slice(-50_000);
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready\n${out}\n${err.slice(-4000)}`));
    });
  });
}

/**
 * `ordinal serve` on a database (no demo project, warnings only in its log), on a free port:
 * the child and the server's base URL once it says where it serves.
 */
export async function startServer(db: string, { nodeArgs = [], timeoutMs }: { nodeArgs?: string[]; timeoutMs?: number } = {}) {
  const server = await startChild(
    process.execPath,
    [...ordinalCommand(nodeArgs), '--db', db, 'serve', '--port', '0', '--host', '127.0.0.1', '--no-demo'],
    /serving .* at http:\/\/localhost:(\d+)/,
    { LOG_LEVEL: 'warn' },
    timeoutMs,
  );
  return { server, base: `http://127.0.0.1:${server.match[1]}` };
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is none. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name in parentheses; Linux ticks are 1/100 s.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Stops a child we started (SIGTERM, then SIGKILL after a grace period) and waits for it. */
export async function stopChild(child: ReturnType<typeof spawn>, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Reads the first `n` lines of a file (without reading it all). */
export function firstLines(file: string, n: number): string[] {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let text = '';
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      text += buffer.toString('utf8', 0, read);
      const lines = text.split('\n');
      if (lines.length > n) return lines.slice(0, n);
    }
    return text.split('\n').filter(Boolean).slice(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
