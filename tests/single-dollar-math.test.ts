import { describe, expect, it } from 'vitest';
import { startServer } from './support/app.ts';

/**
 * A single `$` is text in a project's Markdown unless the project says otherwise (issue 18): model
 * text is full of prices and shell prompts, while a math-heavy project may want `$x$` as math.
 */

const server = await startServer();
const researcher = await server.user('researcher');
const trainer = await server.user('trainer');

const projectAs = async (user: typeof researcher, slug: string) => {
  const response = await user.api('GET', `/projects/${slug}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { project: { singleDollarMath: boolean } }).project;
};

describe('the single-dollar math setting', () => {
  it('is off for a new project, so a single $ is text', async () => {
    const created = await researcher.api('POST', '/projects', { slug: 'prices', name: 'Prices' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { project: { singleDollarMath: boolean } }).project.singleDollarMath).toBe(false);
    expect((await projectAs(trainer, 'prices')).singleDollarMath).toBe(false);
  });

  it('is stored when a researcher turns it on, and trainers get it with the project', async () => {
    const created = await researcher.api('POST', '/projects', { slug: 'proofs', name: 'Proofs', singleDollarMath: true });
    expect(created.status).toBe(201);
    expect((await projectAs(trainer, 'proofs')).singleDollarMath).toBe(true);

    const patched = await researcher.api('PATCH', '/projects/proofs', { singleDollarMath: false });
    expect(patched.status).toBe(200);
    expect((await projectAs(researcher, 'proofs')).singleDollarMath).toBe(false);
    const listed = (await (await trainer.api('GET', '/projects')).json()) as { projects: { slug: string; singleDollarMath: boolean }[] };
    expect(listed.projects.find((p) => p.slug === 'proofs')?.singleDollarMath).toBe(false);
  });

  it('is refused when it is not true or false, naming the field, and nothing changes', async () => {
    const slug = server.project({ singleDollarMath: true });
    for (const value of ['yes', 1, null]) {
      const response = await researcher.api('PATCH', `/projects/${slug}`, { singleDollarMath: value, name: 'Renamed' });
      expect(response.status, JSON.stringify(value)).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
      expect(error.code).toBe('validation_failed');
      expect(error.details.issues.map((i) => i.path)).toEqual(['singleDollarMath']);
    }
    const refused = await researcher.api('POST', '/projects', { slug: 'refused', name: 'Refused', singleDollarMath: 'false' });
    expect(refused.status).toBe(400);
    expect((await researcher.api('GET', '/projects/refused')).status).toBe(404);
    const kept = await projectAs(researcher, slug);
    expect(kept).toMatchObject({ singleDollarMath: true, name: slug });
  });

  it('is a researcher’s to change, not a trainer’s', async () => {
    const slug = server.project();
    expect((await trainer.api('PATCH', `/projects/${slug}`, { singleDollarMath: true })).status).toBe(403);
    expect((await projectAs(researcher, slug)).singleDollarMath).toBe(false);
  });
});
