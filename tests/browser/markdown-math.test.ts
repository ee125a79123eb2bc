import { describe, expect, it } from 'vitest';
import { logIn, newPage, sharedBrowser, startBrowserServer } from './support.ts';

/**
 * Text as its writer wrote it (issue 18): a single `$` is text, math is `$$…$$`, `\(…\)` or
 * `\[…\]`, code keeps every character, and a math-heavy project may take `$…$` as math too. One
 * researcher (who may rank as well), one page, in order.
 */

const server = await startBrowserServer();
const browser = await sharedBrowser();
const researcher = await server.user('researcher');
const { page } = await newPage(browser);

/** The TeX of every formula KaTeX set inside `scope`, in order. */
const formulas = (scope: ReturnType<typeof page.locator>) => scope.locator('.katex-mathml annotation').allTextContents();

describe('math in Markdown', () => {
  it('a single $ is text; $$, \\( \\) and \\[ \\] are math; code keeps $ and \\( as written', async () => {
    const slug = server.project();
    const answers = [
      "Cardamom buns are cheaper today, so it's $54 instead of $60.\n\nThe square is $$x^2$$, and \\$5 is five dollars.",
      'Inline \\(a+b\\), then\n\n\\[\n\\frac{1}{2}\n+ c\n\\]\n\nand \\[ d^2 \\] in a line.',
      'Run `echo $HOME \\(x\\)` or $$y$$.\n\n```sh\n$ echo \\(a\\) $$b$$\n```\n\n> Quoted from the prompt',
    ];
    const line = { id: 'math-1', messages: [{ role: 'user', content: 'How much?' }], completions: answers.map((content) => ({ content })) };
    expect((await server.importLines(slug, [line])).status).toBe(200);

    await logIn(page, server, researcher, `/projects/${slug}/rank`);
    const card = (text: string) => page.locator('li.card').filter({ hasText: text });
    const prices = card('Cardamom buns');
    // KaTeX loads the first time a text needs it: judge each card once its own formula is set.
    await prices.locator('.katex').first().waitFor();
    const sentence = page.getByText("so it's $54 instead of $60.");
    expect(await sentence.isVisible()).toBe(true);
    expect(await sentence.locator('.katex').count()).toBe(0);
    expect(await formulas(prices)).toEqual(['x^2']);
    expect(await prices.textContent()).toContain('$5 is five dollars');

    const delimiters = card('Inline');
    await delimiters.locator('.katex').first().waitFor();
    expect(await formulas(delimiters)).toEqual(['a+b', '\\frac{1}{2}\n+ c', ' d^2 ']);
    // \[ … \] is display math, on its own lines or within one; a line of it starting with "+ " is no list.
    expect(await delimiters.locator('.katex-display').count()).toBe(2);
    expect(await delimiters.locator('.markdown li').count()).toBe(0);

    const code = card('Run');
    await code.locator('.katex').first().waitFor();
    expect(await formulas(code)).toEqual(['y']);
    expect(await code.locator(':not(pre) > code').textContent()).toBe('echo $HOME \\(x\\)');
    expect(await code.locator('pre code').textContent()).toBe('$ echo \\(a\\) $$b$$\n');
    const quote = code.locator('blockquote');
    expect(await quote.textContent()).toContain('Quoted from the prompt');
    expect(await quote.evaluate((el) => getComputedStyle(el).borderLeftStyle)).toBe('solid');
  });

  it('a formula KaTeX cannot render shows as it was written, delimiters and all, in the text’s own style', async () => {
    const slug = server.project();
    const answers = [
      'Restaurants run from $$ to $$$$, pick a $$ place.\n\nShells have $$ and $$$ too: what is $$ in bash?\n\nThe square is $$x^2$$.',
      'Left open: \\(\\frac{\\) in a line, and on lines of its own:\n\n\\[\n\\frac{1}{\n\\]\n\nwhile \\(a+b\\) is fine.\n\n> Quoted \\(\\frac{1}\n> {\\) over two lines.',
    ];
    const line = { id: 'math-2', messages: [{ role: 'user', content: 'Where to eat?' }], completions: answers.map((content) => ({ content })) };
    expect((await server.importLines(slug, [line])).status).toBe(200);

    await page.goto(`${server.clientUrl}/projects/${slug}/rank`);
    const card = (text: string) => page.locator('li.card').filter({ hasText: text });
    const paragraphs = (scope: ReturnType<typeof page.locator>) => scope.locator('.markdown p');
    // Each card also holds a formula that renders, so that it is judged once KaTeX has run on it.
    const prices = card('Restaurants');
    await prices.locator('.katex').first().waitFor();
    expect(await formulas(prices)).toEqual(['x^2']);
    expect(await paragraphs(prices).allTextContents()).toEqual([
      'Restaurants run from $$ to $$$$, pick a $$ place.',
      'Shells have $$ and $$$ too: what is $$ in bash?',
      expect.stringContaining('The square is'),
    ]);
    // Plain text in the paragraph: no red error, no math, no element of its own.
    expect(await prices.locator('.katex-error').count()).toBe(0);
    expect(await paragraphs(prices).first().locator('*').count()).toBe(0);

    const open = card('Left open');
    await open.locator('.katex').first().waitFor();
    expect(await formulas(open)).toEqual(['a+b']);
    expect((await paragraphs(open).allTextContents()).slice(0, 2)).toEqual([
      'Left open: \\(\\frac{\\) in a line, and on lines of its own:',
      '\\[\n\\frac{1}{\n\\]',
    ]);
    // Without the quote's marks, which its reader does not see either.
    expect(await open.locator('blockquote p').textContent()).toBe('Quoted \\(\\frac{1}\n{\\) over two lines.');
    expect(await open.locator('.katex-error').count()).toBe(0);
  });

  it('a project set to take single dollars as math shows $x$ as math, in the settings preview before it is saved', async () => {
    const slug = server.project({ guidelines: 'The area is $x^2$, the side $$y$$.' });
    await page.goto(`${server.clientUrl}/projects/${slug}/settings`);
    const form = page.getByRole('form', { name: 'Project settings' });
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = form.locator('.preview');
    await preview.locator('.katex').first().waitFor();
    expect(await formulas(preview)).toEqual(['y']);
    expect(await preview.textContent()).toContain('$x^2$');

    await form.getByLabel('Single dollars mark math too').check();
    await expect.poll(() => formulas(preview)).toEqual(['x^2', 'y']);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(
        async () => ((await (await researcher.api('GET', `/projects/${slug}`)).json()) as { project: { singleDollarMath: boolean } }).project.singleDollarMath,
      )
      .toBe(true);
  });
});
