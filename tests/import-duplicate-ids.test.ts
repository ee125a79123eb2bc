// Finding ids repeated within an import file in bounded memory (server/modules/conversations/id-hashes.ts):
// hashes first, then the suspects confirmed by comparing the ids themselves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdHashes } from '#server/modules/conversations/id-hashes.ts';
import { confirmDuplicates } from '#server/modules/conversations/import.ts';

const line = (id: string) => JSON.stringify({ id, messages: [{ role: 'user', content: `About ${id}?` }] });

describe('ids repeated within an import file', () => {
  it('a hash table of 200,000 distinct ids finds none of them seen before, and each repeat with its first line', () => {
    const ids = new IdHashes();
    let seenBefore = 0;
    for (let n = 1; n <= 200_000; n++) if (ids.firstLineOf(`conversation-${n}`, n) !== undefined) seenBefore++;
    expect(seenBefore).toBe(0);
    expect(ids.firstLineOf('conversation-1', 200_001)).toBe(1);
    expect(ids.firstLineOf('conversation-123456', 200_002)).toBe(123_456);
    expect(ids.firstLineOf('conversation-0', 200_003)).toBeUndefined();
  });

  it('a suspect whose id only shares a hash is good, and a later line with that same id is the repeat, named with the right first line', () => {
    // As if "beta" had the hash of "alpha": line 3 is a suspect because of line 1, line 4 because of line 1 too.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-ids-')), 'lines.jsonl');
    fs.writeFileSync(file, [line('alpha'), line('gamma'), line('beta'), line('beta'), line('alpha')].join('\n'));
    const { duplicates, distinct } = confirmDuplicates(file, [3, 4, 5], new Set([1]));
    expect(distinct.map((d) => d.id)).toEqual(['beta']);
    expect(duplicates).toEqual([
      { line: 4, message: 'id "beta" already appears on line 3', problems: ['id "beta" already appears on line 3'] },
      { line: 5, message: 'id "alpha" already appears on line 1', problems: ['id "alpha" already appears on line 1'] },
    ]);
  });
});
