import type { Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mathFromMarkdown } from 'mdast-util-math';
import { gfm } from 'micromark-extension-gfm';
import { math } from 'micromark-extension-math';
import { texMathFromMarkdown, texMathSyntax } from '../../components/tex-math.ts';

/** A few pages of nine answers: enough to move between them, without holding every answer of a long day. */
const keptLines = 64;
const recent = new Map<string, string>();

/**
 * An answer's first line for the reorder view, as plain text the way a reader of the answer sees
 * it: the first line with words of its first heading, paragraph, code block or table (whose header
 * row reads "cell · cell"). Links and images read as their text, emphasis and code lose their marks,
 * escapes are resolved, HTML is the text the model wrote (as Markdown.tsx shows it) and math is its
 * source, delimiters included, since it is not rendered here.
 *
 * Parsed with the syntax Markdown.tsx renders with (GFM, `$$`, `\(`, `\[`; a single `$` is text),
 * so that the line agrees with the full text. The reorder view asks again for every card on each
 * render, so lines are kept for the answers seen last.
 */
export function firstLine(markdown: string): string {
  let line = recent.get(markdown);
  if (line === undefined) {
    line = firstLineOf(markdown);
    if (recent.size >= keptLines) recent.delete(recent.keys().next().value!);
    recent.set(markdown, line);
  }
  return line;
}

const syntax = {
  extensions: [gfm(), math({ singleDollarTextMath: false }), texMathSyntax],
  mdastExtensions: [gfmFromMarkdown(), mathFromMarkdown(), texMathFromMarkdown],
};

/**
 * Parsing a long answer whole takes about 20 ms, most of it for text past the line shown; so ever
 * longer starts of it are parsed, and a start's line is taken once another block follows the line's
 * own: what comes after cannot change a block that has ended. Only link definitions reach back
 * ([text][ref] is a link only if `[ref]:` is defined somewhere), so an answer with one is parsed whole.
 */
function firstLineOf(markdown: string): string {
  if (!definition.test(markdown)) {
    for (let size = 500; size < markdown.length; size *= 4) {
      const cut = markdown.indexOf('\n', size);
      if (cut === -1) break;
      const found = firstLineIn(markdown.slice(0, cut));
      if (found?.followed) return found.line;
    }
  }
  return firstLineIn(markdown)?.line ?? '';
}

const definition = /^ {0,3}\[[^\]\n]+\]:/m;

function firstLineIn(markdown: string) {
  const blocks = [...leafBlocks(fromMarkdown(markdown, syntax).children)];
  for (const [index, block] of blocks.entries()) {
    const line = plainText(block, markdown)
      .split('\n')
      .map((text) => text.trim())
      .find(Boolean);
    if (line) return { line, followed: index < blocks.length - 1 };
  }
  return undefined;
}

/** The blocks that hold text (or, like a rule, none), in reading order, inside quotes, lists and footnotes. */
function* leafBlocks(nodes: RootContent[]): Generator<RootContent> {
  for (const node of nodes) {
    if (node.type === 'blockquote' || node.type === 'list' || node.type === 'listItem' || node.type === 'footnoteDefinition') yield* leafBlocks(node.children);
    else yield node;
  }
}

function plainText(node: Nodes, source: string): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value;
    case 'inlineMath':
    case 'math': {
      const { start, end } = node.position!;
      // One line, though a display formula's delimiters stand on lines of their own.
      return source.slice(start.offset, end.offset).replace(/\s*\n\s*/g, ' ');
    }
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return '\n';
    case 'table':
      return node.children.map((row) => plainText(row, source)).join('\n');
    case 'tableRow':
      return node.children.map((cell) => plainText(cell, source).trim()).join(' · ');
    default:
      return 'children' in node ? node.children.map((child) => plainText(child, source)).join('') : '';
  }
}
