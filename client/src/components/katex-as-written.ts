import type { Element, ElementContent, Root, RootContent } from 'hast';
import rehypeKatex, { type Options } from 'rehype-katex';
import type { VFile } from 'vfile';

/**
 * rehype-katex, except that a formula KaTeX cannot render is shown as the text its writer typed,
 * delimiters and all, in the text's own style. Model text is not always math where it looks like
 * math: "from $$ to $$$$, pick a $$ place" reads as the formula `$$ to $$$$, pick a $$`, and
 * rehype-katex would show it in red without its `$$`, so the trainer reads "from to $$$$, pick a
 * place". The characters come from the source by the formula's position, so `\(`, `\[` and `$$`
 * come back as typed.
 *
 * rehype-katex has no option for this: it renders each formula with `throwOnError: true` and, when
 * that throws, reports a message on the file naming the formula's element and its ancestors, then
 * renders it again with the error in red. Finding the failures first would render every formula
 * twice; instead each formula is wrapped before rehype-katex runs, and afterwards a wrapper among a
 * message's ancestors gives way to the source, any other to KaTeX's rendering.
 */
export function rehypeKatexAsWritten(options: Options) {
  const renderMath = rehypeKatex(options);
  return (tree: Root, file: VFile) => {
    const formulas = wrapFormulas(tree);
    if (!formulas.length) return;
    const messagesBefore = file.messages.length;
    renderMath(tree, file);
    const failed = new Set(
      file.messages
        .slice(messagesBefore)
        .filter((message) => message.source === 'rehype-katex')
        .flatMap((message) => message.ancestors ?? []),
    );
    const source = String(file.value);
    for (const { parent, wrapper, formula, quoteDepth } of formulas) {
      const shown = failed.has(wrapper) ? asWritten(formula, source, quoteDepth) : wrapper.children;
      parent.children.splice(parent.children.indexOf(wrapper), 1, ...(shown as RootContent[]));
    }
  };
}

interface Formula {
  parent: Root | Element;
  wrapper: Element;
  /** What rehype-katex replaces: the math element, or the `pre` around a display formula's `code`. */
  formula: Element;
  /** How many blockquotes it is in, whose `>` marks its later lines carry in the source. */
  quoteDepth: number;
}

const classesOf = (element: Element) => (Array.isArray(element.properties.className) ? element.properties.className : []);
/** The classes rehype-katex renders, set by remark-math and tex-math.ts, or by a ```math fence. */
const isMath = (element: Element) => classesOf(element).some((c) => c === 'language-math' || c === 'math-display' || c === 'math-inline');

function wrapFormulas(tree: Root) {
  const formulas: Formula[] = [];
  const visit = (parent: Root | Element, quoteDepth: number) => {
    parent.children.forEach((child, index) => {
      if (child.type !== 'element') return;
      const [only] = child.children;
      const formula = isMath(child) ? child : child.tagName === 'pre' && only?.type === 'element' && isMath(only) ? child : undefined;
      if (!formula) return visit(child, quoteDepth + (child.tagName === 'blockquote' ? 1 : 0));
      const wrapper: Element = { type: 'element', tagName: 'span', properties: {}, children: [formula] };
      parent.children[index] = wrapper;
      formulas.push({ parent, wrapper, formula, quoteDepth });
    });
  };
  visit(tree, 0);
  return formulas;
}

/**
 * The formula as its writer typed it: inline text, or a paragraph for a display block. A ```math
 * fence stays the code block it was written as.
 */
function asWritten(formula: Element, source: string, quoteDepth: number): ElementContent[] {
  const { start, end } = formula.position ?? {};
  const math = formula.tagName === 'pre' ? (formula.children[0] as Element) : formula;
  const fencedCode = !classesOf(math).some((c) => c === 'math-display' || c === 'math-inline');
  if (fencedCode || start?.offset === undefined || end?.offset === undefined) return [formula];
  const quoteMarks = new RegExp(`\\n(?:[ \\t]*>[ \\t]?){0,${quoteDepth}}`, 'g');
  const text: ElementContent = { type: 'text', value: source.slice(start.offset, end.offset).replace(quoteMarks, '\n') };
  return formula.tagName === 'pre' ? [{ type: 'element', tagName: 'p', properties: {}, children: [text] }] : [text];
}
