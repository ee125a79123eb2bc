import { describe, expect, it } from 'vitest';
import { startServer } from './support/app.ts';
import { runCli } from './support/child-server.ts';

/**
 * What a refused request says (issue 17): each problem in plain words with the field it is about,
 * the same words in the API's answer, the CLI's error and the web app's forms (which take them
 * from the same place, shared/validation.ts, and put each beside its field).
 */

const server = await startServer();
const researcher = await server.user('researcher');
const admin = await server.user('admin');

/** zod's own English, which no answer may show: "Too small: expected string to have >=1 characters". */
const zodWording = /Too small|Too big|Invalid input|Invalid option|Invalid string|Unrecognized key|expected \w+, received|>=|<=/;

interface Refusal {
  code: string;
  message: string;
  details: { issues: Array<{ path: string; message: string }> };
}

/** The 400 a request got, checked to be free of zod's wording. */
async function refusal(response: Response): Promise<Refusal> {
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as { error: Refusal };
  expect(error.code).toBe('validation_failed');
  expect(error.message).not.toMatch(zodWording);
  for (const issue of error.details.issues) expect(issue.message, issue.path).not.toMatch(zodWording);
  return error;
}

describe('a refused project setting', () => {
  it('names every field with what is wrong with it, in the order of the settings', async () => {
    const slug = server.project();
    const error = await refusal(
      await researcher.api('PATCH', `/projects/${slug}`, {
        name: '',
        ratings: [{ key: 'overall', label: '', min: 1, max: 7 }],
        flags: [
          { key: 'rude', label: 'Is rude' },
          { key: 'rude', label: 'Is very rude' },
        ],
        goldRate: 0.9,
      }),
    );
    expect(error.details.issues).toEqual([
      { path: 'name', message: 'is empty' },
      { path: 'ratings.0.label', message: 'is empty' },
      { path: 'flags.1.key', message: 'is already the key of flag 1; each needs its own' },
      { path: 'goldRate', message: 'must be at most 0.5' },
    ]);
    expect(error.message).toBe(
      'Invalid request body: name: is empty; ratings.0.label: is empty; flags.1.key: is already the key of flag 1; each needs its own; goldRate: must be at most 0.5',
    );
  });

  it('says what a value must be: its type, a whole number, its range, its length, one of a list, no unknown field', async () => {
    const slug = server.project();
    const cases: Array<[unknown, string, string]> = [
      [{ overlap: 'three' }, 'overlap', 'must be a number, not a string'],
      [{ overlap: 2.5 }, 'overlap', 'must be a whole number'],
      [{ overlap: 0 }, 'overlap', 'must be at least 1'],
      [{ sampling: { topP: 0 } }, 'sampling.topP', 'must be more than 0'],
      [{ name: 'x'.repeat(201) }, 'name', 'must have at most 200 characters'],
      [{ ratings: [{ key: 'overall', label: 'Overall', min: 5, max: 3 }] }, 'ratings.0.max', 'must be greater than the low end (min)'],
      [
        { ratings: [{ key: 'overall', label: 'Overall', min: 1, max: 7, minLabel: 'x'.repeat(101) }] },
        'ratings.0.minLabel',
        'must have at most 100 characters',
      ],
      [{ flags: 'none' }, 'flags', 'must be an array, not a string'],
      [{ allowTies: 'yes' }, 'allowTies', 'must be true or false, not a string'],
      [{ colour: 'red' }, '', 'unknown field "colour"'],
    ];
    for (const [body, path, message] of cases) {
      const error = await refusal(await researcher.api('PATCH', `/projects/${slug}`, body));
      expect(error.details.issues, JSON.stringify(body)).toEqual([{ path, message }]);
    }
  });

  it('says which required fields are missing', async () => {
    const error = await refusal(await researcher.api('POST', '/projects', {}));
    expect(error.details.issues).toEqual([
      { path: 'slug', message: 'is required' },
      { path: 'name', message: 'is required' },
    ]);
  });

  it('reads the same from the CLI, which checks with the same schema', async () => {
    const result = await runCli(['--db', server.db.file, 'projects', 'create', 'plain-words', '--overlap', '0']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: Invalid project: overlap: must be at least 1\n');
  });
});

describe('other refused requests', () => {
  it('lists the choices of a value that must be one of them', async () => {
    const error = await refusal(await admin.api('POST', '/users', { username: 'new-one', role: 'boss', password: 'long enough password' }));
    expect(error.details.issues).toEqual([{ path: 'role', message: 'must be one of admin, researcher, trainer' }]);
  });

  it('an export option out of range or of the wrong kind is named, with what it takes', async () => {
    const slug = server.project();
    for (const [query, path, message] of [
      ['format=trl&split=test&testShare=2', 'testShare', 'must be a number from 0 to 1'],
      ['format=trl&minAgreement=high', 'minAgreement', 'must be a number from 0 to 1'],
      ['format=trl&withSource=yes', 'withSource', 'must be true or false (or 1 or 0)'],
      ['format=csv', 'format', 'must be one of rankings, trl, openai-dpo, hh, sft'],
      ['format=hh&margin=rank', 'margin', 'applies to trl only, not to hh (CLI: --margin)'],
    ] as const) {
      const error = await refusal(await researcher.api('GET', `/projects/${slug}/export/count?${query}`));
      expect(error.details.issues, query).toEqual([{ path, message }]);
    }
  });
});
