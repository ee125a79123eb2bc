import { describe, expect, it } from 'vitest';
import { firstLine } from '../client/src/features/ranking/first-line.ts';

// The reorder view names each answer by its first line (issue 18), as a reader of the answer sees it.

describe("an answer's first line", () => {
  it('is the first line with words, without heading, quote, list or fence marks', () => {
    expect(firstLine('## Short answer\n\nThe longer explanation follows here.')).toBe('Short answer');
    expect(firstLine('First line of B.\nSecond line of B.')).toBe('First line of B.');
    expect(firstLine('```python\nprint("C")\n```\nAfter the code.')).toBe('print("C")');
    expect(firstLine('\n\n> - 1. Deep inside\n> - next')).toBe('Deep inside');
    expect(firstLine('---\n\n[ref]: https://example.com\n\nAfter the rule.')).toBe('After the rule.');
    expect(firstLine('![](https://example.com/x.png)\nThe caption.')).toBe('The caption.');
    expect(firstLine('')).toBe('');
  });

  it('reads links and images as their text, without their URLs', () => {
    expect(firstLine('Book the [$54 deal](https://example.com/deal?id=1) now.')).toBe('Book the $54 deal now.');
    expect(firstLine('![A bun with cardamom](https://example.com/bun.png) fresh.')).toBe('A bun with cardamom fresh.');
    expect(firstLine('See [the guide][g].\n\n[g]: https://example.com/guide')).toBe('See the guide.');
    expect(firstLine('Visit https://example.com today.')).toBe('Visit https://example.com today.');
  });

  it('drops emphasis, strong, strikethrough and code marks, keeping their text', () => {
    expect(firstLine('Only **$99** for *two*, ~~$120~~ before.')).toBe('Only $99 for two, $120 before.');
    expect(firstLine('Run `echo $HOME` first.')).toBe('Run echo $HOME first.');
  });

  it('resolves backslash escapes and character references', () => {
    expect(firstLine('It costs \\$20 \\*each\\* &amp; more.')).toBe('It costs $20 *each* & more.');
  });

  it('shows a table by its header row, cells joined by a dot', () => {
    expect(firstLine('| item | price |\n| --- | --- |\n| bun | $4 |')).toBe('item · price');
    expect(firstLine('Prices:\n\n| item | price |\n| --- | --- |')).toBe('Prices:');
  });

  it('keeps math as written, delimiters included, and a single $ as text', () => {
    expect(firstLine('The area is $$a*b*c$$, so $54 instead of $60.')).toBe('The area is $$a*b*c$$, so $54 instead of $60.');
    expect(firstLine('Inline \\(x_1 + x_2\\) and \\[ y \\].')).toBe('Inline \\(x_1 + x_2\\) and \\[ y \\].');
    expect(firstLine('$$\n\\frac{1}{2}\n$$\n\nAfter.')).toBe('$$ \\frac{1}{2} $$');
    expect(firstLine('\\[\n\\frac{1}{2}\n\\]')).toBe('\\[ \\frac{1}{2} \\]');
  });

  it('is the same for a long answer as its whole text gives, whatever comes after the first block', () => {
    const filler = 'More words to read. '.repeat(60);
    const long = (start: string) => `${start}\n\n${filler}\n\n${filler}`;
    expect(firstLine(long(`A **first** paragraph ${'that goes on '.repeat(60)}to its end.`))).toMatch(/^A first paragraph that goes on .* to its end\.$/);
    expect(firstLine(`${'Words '.repeat(90)}\n${'='.repeat(30)}\n\n${filler}`)).toBe('Words '.repeat(90).trim());
    expect(firstLine(long(`$$\n${'x + '.repeat(200)}y\n$$`))).toBe(`$$ ${'x + '.repeat(200)}y $$`);
    expect(firstLine(long('See [the guide][g].') + '\n\n[g]: https://example.com/guide')).toBe('See the guide.');
    expect(firstLine(long('Footnoted[^1].') + '\n\n[^1]: The note.')).toBe('Footnoted.');
  });

  it('shows HTML as the text the model wrote, as the full view does', () => {
    expect(firstLine('Use <b>bold</b> sparingly.')).toBe('Use <b>bold</b> sparingly.');
  });
});
