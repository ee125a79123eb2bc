import type { Paragraph, Root } from 'mdast';
import type { Extension as FromMarkdownExtension } from 'mdast-util-from-markdown';
import type { InlineMath } from 'mdast-util-math';
// For their types only: remark-math's token names (`mathText`, `mathFlow`…), which these tokens
// reuse, and remark-parse's processor data, where syntax extensions go.
import type {} from 'micromark-extension-math';
import type {} from 'remark-parse';
import type { Code, Construct, Effects, Extension, State, TokenizeContext } from 'micromark-util-types';
import type { Processor } from 'unified';

/**
 * LaTeX's own math delimiters, which models write at least as often as dollars: `\(…\)` inline and
 * `\[…\]` display. CommonMark reads `\(` as an escaped `(`, and remark-math knows only dollars
 * (its authors do not mean to add these: remarkjs discussion 1269), so this adds them.
 *
 * The tokens are remark-math's own (`mathText…`, `mathFlow…`), so its mdast handlers build the
 * nodes and rehype-katex renders them; only inline `\[…\]` needs a token of its own, a display
 * formula inside a paragraph. Code spans and fenced code are tokenized before any of this, so `\(`
 * in code stays literal; `\\(` is an escaped backslash followed by `(`, as in CommonMark.
 */

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    texMathDisplay: 'texMathDisplay';
  }
}

const backslash = 92;
const leftParenthesis = 40;
const rightParenthesis = 41;
const leftSquareBracket = 91;
const rightSquareBracket = 93;
/** micromark's codes: line endings below -2, tab -2, its virtual spaces -1, space 32, end of input null. */
const isLineEnding = (code: Code) => code !== null && code < -2;
const isSpace = (code: Code) => code === -2 || code === -1 || code === 32;
const isEnd = (code: Code) => code === null || isLineEnding(code);

/** Optional spaces and tabs as one token, then `next`. */
function spaces(effects: Effects, next: State, type: 'linePrefix' | 'whitespace'): State {
  const inSpaces: State = (code) => {
    if (isSpace(code)) {
      effects.consume(code);
      return inSpaces;
    }
    effects.exit(type);
    return next(code);
  };
  return (code) => {
    if (!isSpace(code)) return next(code);
    effects.enter(type);
    return inSpaces(code);
  };
}

/** `\(…\)` and `\[…\]` within a paragraph; they may run over lines, as a paragraph's lines do. */
const texMathText: Construct = {
  name: 'texMathText',
  tokenize(effects, ok, nok) {
    let closing: number;
    let empty = true;
    let outer: ReturnType<Effects['enter']>;
    let sequence: ReturnType<Effects['enter']>;

    const open: State = (code) => {
      if (code !== leftParenthesis && code !== leftSquareBracket) return nok(code);
      closing = code === leftParenthesis ? rightParenthesis : rightSquareBracket;
      if (code === leftSquareBracket) outer.type = 'texMathDisplay';
      effects.consume(code);
      effects.exit('mathTextSequence');
      return between;
    };
    const between: State = (code) => {
      if (code === null) return nok(code);
      if (isLineEnding(code)) {
        effects.enter('lineEnding');
        effects.consume(code);
        effects.exit('lineEnding');
        return between;
      }
      if (code === backslash) {
        sequence = effects.enter('mathTextSequence');
        effects.consume(code);
        return maybeClose;
      }
      effects.enter('mathTextData');
      return data(code);
    };
    const data: State = (code) => {
      if (isEnd(code) || code === backslash) {
        effects.exit('mathTextData');
        return between(code);
      }
      if (!isSpace(code)) empty = false;
      effects.consume(code);
      return data;
    };
    /** After a backslash: the end, or a TeX command (`\frac`, `\\`) that is part of the formula. */
    const maybeClose: State = (code) => {
      if (code === closing && !empty) {
        effects.consume(code);
        effects.exit('mathTextSequence');
        effects.exit(outer.type);
        return ok;
      }
      sequence.type = 'mathTextData';
      empty = false;
      if (code === backslash) {
        effects.consume(code);
        return data;
      }
      return data(code);
    };

    return (code) => {
      outer = effects.enter('mathText');
      effects.enter('mathTextSequence');
      effects.consume(code);
      return open;
    };
  },
};

/** A line that is `\]` alone (spaces around allowed): the end of display math. */
const closingFence: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    const afterBackslash: State = (code) => {
      if (code !== rightSquareBracket) return nok(code);
      effects.consume(code);
      effects.exit('mathFlowFenceSequence');
      return spaces(effects, end, 'whitespace');
    };
    const end: State = (code) => {
      if (!isEnd(code)) return nok(code);
      effects.exit('mathFlowFence');
      return ok(code);
    };
    return spaces(
      effects,
      (code) => {
        if (code !== backslash) return nok(code);
        effects.enter('mathFlowFence');
        effects.enter('mathFlowFenceSequence');
        effects.consume(code);
        return afterBackslash;
      },
      'linePrefix',
    );
  },
};

/** The line ending, and the next line when it still belongs to this block (not a lazy line of a quote or list). */
const nonLazyLineEnding: Construct = {
  partial: true,
  tokenize(this: TokenizeContext, effects, ok, nok) {
    return (code) => {
      effects.enter('lineEnding');
      effects.consume(code);
      effects.exit('lineEnding');
      return (next) => (this.parser.lazy[this.now().line] ? nok(next) : ok(next));
    };
  },
};

/**
 * `\[` on a line of its own, the formula on the lines after, `\]` on a line of its own: display
 * math as a block, like remark-math's `$$` fences, so that a formula's line starting with `+ ` or
 * `#` is not read as a list or a heading. Without its closing line it is not math at all.
 */
const texMathFlow: Construct = {
  name: 'texMathFlow',
  concrete: true,
  tokenize(effects, ok, nok) {
    const afterBackslash: State = (code) => {
      if (code !== leftSquareBracket) return nok(code);
      effects.consume(code);
      effects.exit('mathFlowFenceSequence');
      return spaces(effects, afterOpening, 'whitespace');
    };
    const afterOpening: State = (code) => {
      if (!isLineEnding(code)) return nok(code);
      effects.exit('mathFlowFence');
      return nextLine(code);
    };
    const nextLine: State = (code) => (isLineEnding(code) ? effects.attempt(nonLazyLineEnding, lineStart, nok)(code) : nok(code));
    const lineStart: State = (code) => effects.attempt(closingFence, done, content)(code);
    const content: State = (code) => {
      if (code === null) return nok(code);
      if (isLineEnding(code)) return nextLine(code);
      effects.enter('mathFlowValue');
      return inContent(code);
    };
    const inContent: State = (code) => {
      if (isEnd(code)) {
        effects.exit('mathFlowValue');
        return content(code);
      }
      effects.consume(code);
      return inContent;
    };
    const done: State = (code) => {
      effects.exit('mathFlow');
      return ok(code);
    };

    return (code) => {
      effects.enter('mathFlow');
      effects.enter('mathFlowFence');
      effects.enter('mathFlowFenceSequence');
      effects.consume(code);
      return afterBackslash;
    };
  },
};

/** Before the escapes of CommonMark, which would otherwise take `\(` and `\[` (extensions go first). */
export const texMathSyntax: Extension = { flow: { [backslash]: texMathFlow }, text: { [backslash]: texMathText } };

/** Inline `\[…\]`: remark-math's inline math node, rendered as a display formula. */
export const texMathFromMarkdown: FromMarkdownExtension = {
  enter: {
    texMathDisplay(token) {
      const node: InlineMath = { type: 'inlineMath', value: '', data: { hName: 'code', hProperties: { className: ['language-math', 'math-display'] } } };
      this.enter(node, token);
      this.buffer();
    },
  },
  exit: {
    texMathDisplay(token) {
      const value = this.resume();
      const node = this.stack[this.stack.length - 1] as InlineMath;
      this.exit(token);
      node.value = value;
      node.data!.hChildren = [{ type: 'text', value }];
    },
  },
};

/**
 * A paragraph that is nothing but one `$$…$$` is a formula set apart from the text, as its writer
 * meant it: shown as display math, the way `$$` fences on lines of their own are.
 */
function displayLoneFormulas(tree: Root, file: { value: unknown }) {
  const source = String(file.value);
  const visit = (node: Root | Root['children'][number]) => {
    if (node.type === 'paragraph') return displayIfLone(node, source);
    if ('children' in node) (node.children as Root['children']).forEach(visit);
  };
  visit(tree);
}
function displayIfLone(paragraph: Paragraph, source: string) {
  const [only, ...rest] = paragraph.children;
  const start = only?.position?.start.offset;
  if (rest.length || only?.type !== 'inlineMath' || start === undefined || !source.startsWith('$$', start)) return;
  only.data = { ...only.data, hProperties: { className: ['language-math', 'math-display'] } };
}

/** The remark plugin: use after remark-math, whose handlers these tokens reuse. */
export function remarkTexMath(this: Processor) {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(texMathSyntax);
  (data.fromMarkdownExtensions ??= []).push(texMathFromMarkdown);
  return displayLoneFormulas;
}
