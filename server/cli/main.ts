import fs from 'node:fs';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { config, ConfigError } from '#server/config.ts';
import { backupDatabase, restoreDatabase } from '#server/db/backup.ts';
import { DEFAULT_DB_FILE, openDatabase, type Db } from '#server/db/client.ts';
import { AppError, validationError } from '#server/http/errors.ts';
import { createApiToken, listAllApiTokens, revokeApiToken } from '#server/modules/auth/auth.usecases.ts';
import { noImportFile } from '#server/modules/conversations/conversations.errors.ts';
import { importFile } from '#server/modules/conversations/import.ts';
import { sweepAbandonedStagings } from '#server/modules/conversations/staging.ts';
import { seedIfEmpty } from '#server/modules/demo/seed.ts';
import { emptyReport, exportRecords, writeLines } from '#server/modules/exports/export.ts';
import { exportWriteFailed } from '#server/modules/exports/exports.errors.ts';
import { projectStats } from '#server/modules/stats/stats.ts';
import { createProject, getProject, listProjects, toProject, updateProject } from '#server/modules/projects/projects.usecases.ts';
import { defaultSampling, modelEndpointSchema, samplingSettingsSchema } from '#shared/models.ts';
import { createUser, getUser, listUsers, updateUser } from '#server/modules/users/users.usecases.ts';
import { createProjectSchema, updateProjectSchema } from '#shared/projects.ts';
import { exportOptionsSchema } from '#shared/exports.ts';
import { idParamSchema } from '#shared/ids.ts';
import { createUserSchema, passwordSchema, roleSchema, type UserRole } from '#shared/users.ts';
import { apiKeyEnvUnset, endpointIncomplete } from './cli.errors.ts';
import { progressLine } from './progress.ts';
import { readPassword } from './read-password.ts';

const program = new Command('ordinal')
  .description('Ordinal: rankings, demonstrations and datasets for training language models from human feedback.')
  .addOption(new Option('--db <file>', 'SQLite database file, created and migrated when needed').env('ORDINAL_DB').default(DEFAULT_DB_FILE))
  .showHelpAfterError()
  .configureHelp({ showGlobalOptions: true });

const db = (): Db => openDatabase(program.opts<{ db: string }>().db);

/** Parses CLI input with the API's own schema, so both reject the same things in the same words. */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, what);
  return result.data;
}

const integer = (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
};
const share = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};

/**
 * Rows on standard output: on a terminal, aligned under a header; piped, one tab-separated line per
 * row and no header, for `cut` and `awk` (`--json` has every field).
 */
function printTable(header: string[], rows: string[][]) {
  if (!process.stdout.isTTY) {
    for (const row of rows) process.stdout.write(`${row.join('\t')}\n`);
    return;
  }
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows])
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/** A time for a table: to the minute in UTC on a terminal (the header says UTC), the full ISO time for scripts. */
const tableTime = (iso: string | null) => (iso === null ? 'never' : process.stdout.isTTY ? iso.slice(0, 16).replace('T', ' ') : iso);

program
  .command('serve')
  .description('Serve the web app and the API. On an empty database, creates an admin (password printed once) and the demo project.')
  .addOption(new Option('--port <n>', 'port to listen on').env('PORT').default(3000).argParser(integer))
  .addOption(new Option('--host <address>', 'address to listen on').env('HOST').default('0.0.0.0'))
  .option('--no-demo', 'do not create the demo project on an empty database')
  .action(async (options: { port: number; host: string; demo: boolean }) => {
    // The web app (Express, every route, the model client) loads only for the command that serves it.
    // A malformed variable stops the server here, naming it, before anything is opened.
    const settings = config();
    const [{ createApp }, { createLogger }, { gracefulShutdown }] = await Promise.all([
      import('#server/app.ts'),
      import('#server/logger.ts'),
      import('#server/http/shutdown.ts'),
    ]);
    const database = openDatabase(program.opts<{ db: string }>().db, { check: true, serving: true });
    const logger = createLogger();
    const seeded = await seedIfEmpty(database, { demo: options.demo, adminPassword: process.env.ORDINAL_ADMIN_PASSWORD });
    const app = createApp({ db: database, logger });
    const server = app.handler.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `http://localhost:${port}`;
      const lines = [`Ordinal is serving ${database.file} at ${url}`];
      if (seeded.admin) {
        lines.push(
          '',
          'First start: an admin account was created. This password is shown only this once:',
          `  username: ${seeded.admin.username}`,
          `  password: ${seeded.admin.password}`,
          `Log in at ${url}/login${seeded.demoCreated ? ' and open the "demo" project' : ''}. Add trainers from the Users page or with`,
          '  npx ordinal users add <name> --role trainer',
        );
      } else lines.push(`Log in at ${url}/login`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
    // Node ends a request not received whole within 300 s: an import's upload over a slow link (a
    // million lines are 2.3 GB) was cut off. Uploads are closed when they stall instead
    // (ORDINAL_UPLOAD_IDLE_TIMEOUT_MS), and JSON bodies are small and read with a deadline (route.ts).
    server.requestTimeout = 0;
    const stop = gracefulShutdown(server, app, database, logger, settings.ORDINAL_SHUTDOWN_TIMEOUT_MS);
    const onSignal = () => void stop().then(() => process.exit(0));
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

const users = program.command('users').description('Manage user accounts (the same rules as the web app’s Users page)');
users
  .command('add <username>')
  .description('Create a user. Without --password the password is read from standard input.')
  .addOption(new Option('--role <role>', 'what the user may do').choices(roleSchema.options).makeOptionMandatory())
  .option('--password <password>', 'the password (at least 10 characters); prefer standard input, which stays out of shell history')
  .action(async (username: string, options: { role: string; password?: string }) => {
    const password = options.password ?? (await readPassword(`Password for ${username}`));
    const input = parseWith(createUserSchema, { username, role: options.role, password }, 'user');
    const user = await createUser(db(), input, null);
    process.stdout.write(`Created ${user.role} ${user.username}\n`);
  });
users
  .command('list')
  .description('List users with role, status and last activity')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    const list = listUsers(db());
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else
      printTable(
        ['username', 'role', 'status', 'last active (UTC)'],
        list.map((u) => [u.username, u.role, u.active ? 'active' : 'deactivated', tableTime(u.lastActiveAt)]),
      );
  });
users
  .command('set-password <username>')
  .description(
    'Set a new password, read from standard input (typed unseen on a terminal), never from an argument. Ends the user’s sessions and revokes their API tokens. An admin who forgot their password resets it this way.',
  )
  .action(async (username: string) => {
    const database = db();
    // An unknown name is said before the password is asked for.
    getUser(database, username);
    const password = parseWith(passwordSchema, await readPassword(`New password for ${username}`), 'password');
    const user = await updateUser(database, username, { password }, null);
    process.stdout.write(`Set a new password for ${user.username}: they were logged out everywhere and their API tokens were revoked.\n`);
  });
users
  .command('deactivate <username>')
  .description('Stop a user from logging in: ends their sessions at once and suspends their API tokens; their past answers stay. Not the last active admin.')
  .action(async (username: string) => {
    const user = await updateUser(db(), username, { active: false }, null);
    process.stdout.write(`Deactivated ${user.username}: they were logged out and their API tokens are suspended until they are activated again.\n`);
  });
users
  .command('activate <username>')
  .description('Let a deactivated user log in again with their current password; their API tokens work again')
  .action(async (username: string) => {
    const user = await updateUser(db(), username, { active: true }, null);
    process.stdout.write(`Activated ${user.username}: they can log in again.\n`);
  });
users
  .command('set-role')
  .description('Change what a user may do, from their next request on. The last active admin keeps the admin role.')
  .addArgument(new Argument('<username>', 'whose role'))
  .addArgument(new Argument('<role>', 'the new role').choices(roleSchema.options))
  .action(async (username: string, role: UserRole) => {
    const user = await updateUser(db(), username, { role }, null);
    process.stdout.write(`${user.username} is now ${user.role === 'admin' ? 'an' : 'a'} ${user.role}.\n`);
  });

const tokens = program.command('tokens').description('Manage API tokens');
tokens
  .command('create <username>')
  .description('Create an API token for a user and print it alone on standard output (it is not shown again)')
  .option('--name <name>', 'what the token is for', 'cli')
  .action((username: string, options: { name: string }) => {
    const database = db();
    const { token } = createApiToken(database, getUser(database, username).id, options.name, null);
    process.stdout.write(`${token}\n`);
  });
tokens
  .command('list')
  .description('List every user’s API tokens (revoked ones too) with when each was created and last used; the id is what `tokens revoke` takes')
  .option('--user <username>', 'only this user’s tokens')
  .option('--json', 'print JSON')
  .action((options: { user?: string; json?: boolean }) => {
    const list = listAllApiTokens(db(), options.user);
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else
      printTable(
        ['id', 'user', 'name', 'token', 'created (UTC)', 'last used (UTC)', 'status'],
        list.map((t) => [t.id, t.username, t.name, `${t.prefix}…`, tableTime(t.createdAt), tableTime(t.lastUsedAt), t.status]),
      );
  });
tokens
  .command('revoke <id>')
  .description('Revoke an API token by its id (see `tokens list`): requests with it fail from the next one on. It cannot be undone.')
  .action((id: string) => {
    const token = revokeApiToken(db(), parseWith(idParamSchema, id, 'token id'), { actorId: null });
    process.stdout.write(`Revoked token ${token.id} “${token.name}” of ${token.username}.\n`);
  });

type ProjectSettings = z.input<typeof updateProjectSchema>;
type EndpointSettings = z.input<typeof modelEndpointSchema>;
type SamplingFlags = NonNullable<ProjectSettings['sampling']>;

/** The sampling flags, one per sampling setting (shared/models.ts): a new setting does not compile without its flag. */
const samplingFlags = (): Record<keyof SamplingFlags, Option> => ({
  temperature: new Option('--temperature <t>', 'sampling temperature (0–2)').argParser(Number),
  topP: new Option('--top-p <p>', 'nucleus sampling top_p (0–1]').argParser(Number),
  maxTokens: new Option('--max-tokens <n>', 'most tokens per sampled answer').argParser(integer),
  k: new Option('--k <n>', 'candidates per comparison when sampling (2–9)').argParser(integer),
});
const samplingKeys = Object.keys(samplingSettingsSchema.shape) as Array<keyof SamplingFlags>;

/**
 * The flags of `projects create` and `projects update`, per setting of the API's schema
 * (shared/projects.ts), in --help order: a new setting does not compile until it is given its
 * flags here, or none where the CLI leaves it to the API and the web app.
 */
const projectSettingFlags = (): Record<keyof ProjectSettings, Option[]> => ({
  name: [new Option('--name <text>', 'display name')],
  overlap: [new Option('--overlap <n>', 'how many trainers rank each comparison').argParser(integer)],
  allowTies: [new Option('--ties', 'allow ties'), new Option('--no-ties', 'forbid ties')],
  guidelines: [new Option('--guidelines-file <file>', 'Markdown file with the guidelines trainers see')],
  leaseMinutes: [new Option('--lease-minutes <n>', 'minutes a trainer holds a comparison before it returns to the queue').argParser(integer)],
  modelEndpoint: [
    new Option('--model-base-url <url>', 'OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama)'),
    new Option('--model <name>', 'model name to ask the endpoint for'),
    new Option('--api-key-env <VAR>', 'read the endpoint’s API key from this environment variable (stored on the server, never shown)'),
  ],
  sampling: Object.values(samplingFlags()),
  ratings: [],
  flags: [],
  goldRate: [],
  leaderboard: [],
  singleDollarMath: [],
  // `projects update` only: --archive, --unarchive.
  archived: [],
});

const projectOptions = (command: Command) => {
  for (const option of Object.values(projectSettingFlags()).flat()) command.addOption(option);
  return command;
};

/** The values of those flags, typed from the same schemas. */
type ProjectFlags = Pick<ProjectSettings, 'name' | 'overlap' | 'leaseMinutes'> &
  SamplingFlags & {
    ties?: ProjectSettings['allowTies'];
    guidelinesFile?: string;
    modelBaseUrl?: EndpointSettings['baseUrl'];
    model?: EndpointSettings['model'];
    apiKeyEnv?: string;
  };

function apiKeyFrom(variable: string | undefined) {
  if (variable === undefined) return undefined;
  const key = process.env[variable];
  if (!key) throw apiKeyEnvUnset(variable);
  return key;
}

/** Endpoint flags as a modelEndpoint change: a new endpoint needs both URL and model; the key alone may change too. */
function endpointFrom(o: ProjectFlags, current: { baseUrl: string; model: string } | null) {
  const apiKey = apiKeyFrom(o.apiKeyEnv);
  if (o.modelBaseUrl === undefined && o.model === undefined && apiKey === undefined) return undefined;
  const baseUrl = o.modelBaseUrl ?? current?.baseUrl;
  const model = o.model ?? current?.model;
  if (!baseUrl || !model) throw endpointIncomplete();
  return { baseUrl, model, apiKey };
}

const settingsFrom = (o: ProjectFlags, current: { baseUrl: string; model: string } | null = null) => ({
  name: o.name,
  overlap: o.overlap,
  allowTies: o.ties,
  guidelines: o.guidelinesFile === undefined ? undefined : fs.readFileSync(o.guidelinesFile, 'utf8'),
  leaseMinutes: o.leaseMinutes,
  modelEndpoint: endpointFrom(o, current),
  sampling: dropUndefined(Object.fromEntries(samplingKeys.map((key) => [key, o[key]]))),
});
const dropUndefined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const projects = program.command('projects').description('Manage projects');
projectOptions(projects.command('create <slug>').description('Create a project (ratings and flags default to InstructGPT’s)')).action(
  (slug: string, options: ProjectFlags) => {
    const { sampling, ...settings } = settingsFrom(options);
    const input = parseWith(
      createProjectSchema,
      dropUndefined({
        slug,
        ...settings,
        name: options.name ?? slug,
        sampling: Object.keys(sampling).length ? { ...defaultSampling, ...sampling } : undefined,
      }),
      'project',
    );
    const project = createProject(db(), input, null);
    process.stdout.write(`Created project ${project.slug} (overlap ${project.overlap}, ties ${project.allowTies ? 'allowed' : 'not allowed'})\n`);
  },
);
projectOptions(projects.command('update <slug>').description('Change a project’s settings'))
  .option('--archive', 'archive the project')
  .option('--unarchive', 'bring an archived project back')
  .option('--no-model', 'remove the model endpoint (and its key)')
  .action((slug: string, options: Omit<ProjectFlags, 'model'> & { archive?: boolean; unarchive?: boolean; model?: string | false }) => {
    const database = db();
    const current = toProject(getProject(database, slug)).modelEndpoint;
    const archived = options.archive ? true : options.unarchive ? false : undefined;
    const { sampling, modelEndpoint, ...settings } = settingsFrom({ ...options, model: options.model || undefined }, current);
    const changes = parseWith(
      updateProjectSchema,
      dropUndefined({
        ...settings,
        archived,
        modelEndpoint: options.model === false ? null : modelEndpoint,
        sampling: Object.keys(sampling).length ? sampling : undefined,
      }),
      'project settings',
    );
    const project = updateProject(database, slug, changes, null);
    process.stdout.write(`Updated project ${project.slug}\n`);
  });
projects
  .command('test-model <slug>')
  .description(
    'Send one tiny request to the project’s model: whether it works, which model the server reports, and whether it takes n (one request for all K candidates)',
  )
  .option('--json', 'print JSON')
  .action(async (slug: string, options: { json?: boolean }) => {
    const [{ endpointOf, nMemory }, { testConnection }] = await Promise.all([
      import('#server/modules/models/endpoint.ts'),
      import('#server/modules/models/model-client.ts'),
    ]);
    const database = db();
    const endpoint = endpointOf(getProject(database, slug));
    const result = await testConnection(endpoint, nMemory(database, endpoint));
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(`${result.message}\n`);
      if (result.servedModel) process.stdout.write(`The server says it answered as: ${result.servedModel}\n`);
      if (result.listedModels) process.stdout.write(`The server lists: ${result.listedModels.join(', ') || 'no models'}\n`);
      if (result.latencyMs !== null) process.stdout.write(`Round trip: ${result.latencyMs} ms\n`);
    }
    if (!result.ok) process.exitCode = 1;
  });
projects
  .command('list')
  .description('List projects with their progress')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    const list = listProjects(db(), { id: 0, username: 'cli', role: 'admin' });
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else
      for (const p of list)
        process.stdout.write(
          `${p.slug}\t${p.name}\t${p.progress.completed}/${p.progress.comparisons} comparisons done\t${p.progress.rankings} rankings${p.archived ? '\tarchived' : ''}\n`,
        );
  });

program
  .command('import <file>')
  .description('Import a JSONL file (one conversation per line). Any bad line: nothing is imported, every bad line is listed, exit 1.')
  .requiredOption('--project <slug>', 'project to import into')
  .option('--dry-run', 'check the file and report, import nothing')
  .action(async (file: string, options: { project: string; dryRun?: boolean }) => {
    if (!fs.existsSync(file)) throw noImportFile(file);
    const database = db();
    // What an import killed mid-way staged goes first, as at a server's start.
    await sweepAbandonedStagings(database);
    const progress = progressLine('import');
    const result = await importFile(database, getProject(database, options.project), file, {
      dryRun: options.dryRun,
      actorId: null,
      onProgress: (done, total, phase) => (phase === 'finishing' ? progress.update(1, 1, '') : progress.update(done, total, ` ${phase}`)),
    });
    progress.done();
    for (const e of result.errors) process.stderr.write(`${file}:${e.line}: ${e.message}\n`);
    if (result.moreErrors) process.stderr.write(`… and ${result.moreErrors} more bad lines\n`);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const counts = `${plural(result.conversations, 'conversation')} (${plural(result.comparisons, 'comparison')}, ${plural(result.prompts, 'prompt')}), ${result.skippedExisting} already imported`;
    if (result.errors.length) {
      process.stderr.write(`${result.errors.length + result.moreErrors} bad line(s): nothing was imported.\n`);
      process.exitCode = 1;
    } else if (result.dryRun) process.stdout.write(`Dry run: the file is valid: ${counts}. Nothing was imported.\n`);
    else process.stdout.write(`Imported ${counts}.\n`);
  });

type ExportSettings = z.input<typeof exportOptionsSchema>;
const exportShape = exportOptionsSchema.shape;

/**
 * The flags of `export`, one per export option of the API's schema (shared/exports.ts), in --help
 * order: a new option does not compile until it is given its flag here. `rows` is `--consensus`.
 */
const exportFlags = (): Record<keyof ExportSettings, Option> => ({
  format: new Option('--format <format>', 'record format').choices(exportShape.format.options).makeOptionMandatory(),
  split: new Option('--split <split>', 'only the train or the test conversations').choices(exportShape.split.unwrap().options),
  testShare: new Option('--test-share <share>', 'share of conversations in the test split').argParser(share).default(0.1),
  rows: new Option('--consensus', 'one consensus ranking per comparison instead of one row per trainer'),
  margin: new Option('--margin <kind>', 'trl: add a float margin to every row').choices(exportShape.margin.unwrap().options),
  includeTopRanked: new Option('--include-top-ranked', 'sft: also each comparison’s consensus top candidate'),
  provenance: new Option('--provenance', 'sft: add each message’s author, model and suggestion edit distance'),
  withFeatures: new Option('--with-features', 'trl and rankings: add length, shown-position, time and suggestion features for bias studies'),
  minAgreement: new Option(
    '--min-agreement <share>',
    'only comparisons whose trainers agree at least this much (0–1; comparisons ranked once are left out)',
  ).argParser(share),
  singleTurn: new Option('--single-turn', 'openai-dpo: leave out rows whose input holds an assistant turn (OpenAI takes single-turn inputs), and say how many'),
  hhSystem: new Option('--hh-system <what>', 'hh: drop a system prompt (HH-RLHF has none), or fold it into the first Human turn').choices(
    exportShape.hhSystem.unwrap().options,
  ),
  withSource: new Option('--with-source', 'trl, openai-dpo, hh: add source_id, the importer’s id, to every row'),
  history: new Option('--history', 'rankings: add every earlier version of each ranking'),
});

/** The values of those flags, typed from the same schema; `--consensus` stands for `rows`. */
type ExportFlags = Omit<ExportSettings, 'rows' | 'testShare'> & { testShare: number; consensus?: boolean; project: string; out?: string };

const exportCommand = program
  .command('export')
  .description('Write a dataset as JSONL to standard output or --out (the same bytes as the API)')
  .requiredOption('--project <slug>', 'project to export');
for (const option of Object.values(exportFlags())) exportCommand.addOption(option);
exportCommand.option('--out <file>', 'write to this file instead of standard output').action(async (options: ExportFlags) => {
  const database = db();
  const { project: _project, out: _out, consensus, ...chosen } = options;
  const exportOptions = parseWith(exportOptionsSchema, dropUndefined({ ...chosen, rows: consensus ? 'consensus' : 'per-trainer' }), 'export options');
  const project = getProject(database, options.project);
  // --out is written under a temporary name beside it and renamed once complete: a killed or failed
  // export leaves no file that looks finished (SIGKILL can leave the temporary one, never `--out`).
  const partial = options.out && (await import('#server/paths.ts')).partialFileFor(options.out);
  const removePartial = () => partial && fs.rmSync(partial, { force: true });
  // Interrupted: remove the temporary file, then die of the same signal (status 130 or 143, as expected).
  const onSignal = (signal: NodeJS.Signals) => {
    removePartial();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  if (partial) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  let writeError: Error | undefined;
  const out = partial
    ? fs.createWriteStream(partial, { flags: 'wx', flush: true }).on('error', (error) => {
        writeError ??= error;
      })
    : process.stdout;
  // A reader that stops early (`| head -1`) closes the pipe: the export ends there, quietly and with success.
  if (!options.out)
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  const progress = progressLine('export');
  const report = emptyReport();
  let rows = 0;
  try {
    await writeLines(exportRecords(database.file, project, exportOptions, report), out, () => progress.update(++rows, undefined, ' records'));
    progress.done();
    if (partial) {
      // Renamed only once closed (flushed to disk): a write error destroys the stream, which writeLines stops at quietly.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', resolve).end());
      try {
        if (writeError) throw writeError;
        fs.renameSync(partial, options.out!);
      } catch (error) {
        throw exportWriteFailed(options.out!, (error as Error).message);
      }
      process.stderr.write(`Wrote ${rows} records to ${options.out}\n`);
    }
  } catch (error) {
    removePartial();
    throw error;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  if (report.multiTurnRows) process.stderr.write(`Left out ${report.multiTurnRows} rows whose input holds an assistant turn (--single-turn).\n`);
  if (report.droppedSystemPrompts)
    process.stderr.write(
      `Dropped the system prompt of ${report.droppedSystemPrompts} rows (HH-RLHF has none; --hh-system fold keeps it in the first Human turn).\n`,
    );
});

program
  .command('sample')
  .description(
    'Sample K candidates with the project’s model for every prompt still waiting for them. Resumable: a rerun continues where an interrupted one stopped, sampling nothing twice.',
  )
  .requiredOption('--project <slug>', 'project')
  .option('--k <n>', 'candidates per comparison (default: the project’s setting)', integer)
  .option('--parallel <n>', 'prompts sampled at once', integer, 4)
  .action(async (options: { project: string; k?: number; parallel: number }) => {
    const { sampleProject, unsampledByReason } = await import('#server/modules/models/sampling.ts');
    const database = db();
    const project = getProject(database, options.project);
    const progress = progressLine('sample');
    const result = await sampleProject(database, project, {
      k: options.k,
      parallel: options.parallel,
      actorId: null,
      onProgress: (p) => progress.update(p.done + p.failed, p.total, ' prompts'),
    });
    progress.done();
    const left = [result.failed && `${result.failed} failed`, result.notSampled && `${result.notSampled} not sampled`].filter(Boolean);
    process.stdout.write(`Sampled ${result.done} of ${result.total} prompts${left.length ? `; ${left.join(', ')}` : ''}.\n`);
    if (result.done < result.total) {
      if (result.notSampled)
        for (const u of unsampledByReason(database, project))
          process.stderr.write(`Not sampled (${u.prompts} prompt${u.prompts === 1 ? '' : 's'}): ${u.reason}.\n`);
      if (result.lastError) process.stderr.write(`Last error: ${result.lastError}\n`);
      if (result.advice) process.stderr.write(`${result.advice}\n`);
      process.exitCode = 1;
    }
  });

program
  .command('stats')
  .description('Progress and quality figures of a project')
  .requiredOption('--project <slug>', 'project')
  .option('--json', 'print JSON')
  .action((options: { project: string; json?: boolean }) => {
    const database = db();
    const stats = projectStats(database, getProject(database, options.project));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      return;
    }
    const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
    const num = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));
    const byPosition = (rates: Array<number | null>) => rates.map((x, i) => `${i + 1}: ${pct(x)}`).join('  ');
    // The mark's column is as wide as the mark, so the positions after it stay aligned.
    const mark = 'prefers longer';
    process.stdout.write(
      [
        `comparisons        ${stats.comparisons} (${stats.completedComparisons} reached their overlap, ${stats.gold.comparisons} gold)`,
        `rankings           ${stats.rankings}`,
        `agreement          pairwise ${pct(stats.agreement.pairwise)}, Kendall τ-b ${num(stats.agreement.kendallTau)} (over ${stats.agreement.comparisons} comparisons ranked by 2+)`,
        `longer preferred   ${pct(stats.lengthBias.longerPreferred)} of ${stats.lengthBias.pairs} untied pairs of different lengths`,
        `win rate by shown position  ${byPosition(stats.positionBias.byShownPosition)}`,
        `median time        ${stats.time.medianMs === null ? '—' : `${(stats.time.medianMs / 1000).toFixed(1)} s`}`,
        `gold accuracy      ${pct(stats.gold.accuracy)} over ${stats.gold.answers} answers`,
        '',
        `${'trainer'.padEnd(20)} ${'rankings'.padStart(8)} ${'agreement'.padStart(9)} ${'τ-b'.padStart(6)} ${'gold'.padStart(6)} ${'longer'.padStart(6)} ${''.padEnd(mark.length)} ${'shown-order'.padStart(11)} ${'fast'.padStart(5)}  win rate by shown position`,
        ...stats.trainers.map(
          (t) =>
            `${t.username.padEnd(20)} ${String(t.rankings).padStart(8)} ${pct(t.agreement).padStart(9)} ${num(t.kendallTau).padStart(6)} ${pct(t.goldAccuracy).padStart(6)} ${pct(t.longerPreferred).padStart(6)} ${(t.prefersLonger ? mark : '').padEnd(mark.length)} ${String(t.shownOrderSubmissions).padStart(11)} ${String(t.fastAnswers).padStart(5)}  ${byPosition(t.positionBias.byShownPosition)}`,
        ),
      ].join('\n') + '\n',
    );
  });

program
  .command('backup <file>')
  .description('Copy the database to the new file <file> in one consistent snapshot (VACUUM INTO): safe, and finishes, while the server runs')
  .action((file: string) => {
    // No start-up quick_check: the copy gets the full integrity_check, which finds any damage it carries.
    const database = db();
    // VACUUM INTO is one synchronous statement with no progress to report: a line says it has started.
    const terminal = process.stderr.isTTY === true;
    if (terminal) process.stderr.write(`Backing up ${database.file} (${megabytes(database.file)})…`);
    try {
      backupDatabase(database, file);
    } finally {
      if (terminal) process.stderr.write('\r\x1b[K');
    }
    process.stderr.write(`Backed up ${database.file} to ${file}\n`);
  });

program
  .command('restore <backup>')
  .description('Replace the database with <backup>: refuses while a server uses the database; checks the backup; removes a stale WAL')
  .action(async (backup: string) => {
    const file = program.opts<{ db: string }>().db;
    const progress = progressLine('restore');
    await restoreDatabase(file, backup, (done, total) => progress.update(done, total));
    progress.done();
    process.stderr.write(`Restored ${file} from ${backup}\n`);
  });

const megabytes = (file: string) => `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof AppError || error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error instanceof AppError && error.status >= 500 ? 2 : 1;
  } else throw error;
}
