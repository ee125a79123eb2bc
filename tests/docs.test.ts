import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What users read is README.md and docs/: every link in them that is not a web address must name
 * a file of this repository, so a clone has everything the docs point to.
 */

const root = path.resolve(import.meta.dirname, '..');
const markdownFiles = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file)),
];

/** Inline links and images `[text](target)` and reference definitions `[label]: target`, outside code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

const isWebAddress = (target: string) => /^(https?:|mailto:)/i.test(target);

describe('the documentation in the repository', () => {
  it('has its reference pages, linked from the README', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const page of ['docs/import-format.md', 'docs/export-formats.md', 'docs/api.md', 'docs/cli.md']) {
      expect(fs.existsSync(path.join(root, page)), page).toBe(true);
      expect(linkTargets(readme), `README links ${page}`).toContain(page);
    }
  });

  it.each(markdownFiles)('%s links only to files inside the repository that exist', (file) => {
    const targets = linkTargets(fs.readFileSync(path.join(root, file), 'utf8')).filter((t) => !isWebAddress(t) && !t.startsWith('#'));
    for (const target of targets) {
      const resolved = path.resolve(path.dirname(path.join(root, file)), decodeURI(target.split('#')[0]!));
      expect(path.relative(root, resolved).startsWith('..'), `${file}: ${target} points outside the repository`).toBe(false);
      expect(fs.existsSync(resolved), `${file}: ${target} names no file`).toBe(true);
    }
  });
});
