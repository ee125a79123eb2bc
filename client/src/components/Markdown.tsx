import { createContext, memo, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { PluggableList } from 'unified';

/**
 * Model text is untrusted. HTML in it is shown as the literal text the model wrote (a trainer must
 * see it to judge it) and never becomes elements; links keep only http(s), mailto and relative
 * URLs; KaTeX runs with trust off, so \href and friends cannot make javascript: links.
 */
function htmlAsText() {
  return (tree: { children?: unknown[] }) => {
    const visit = (node: { type?: string; value?: string; children?: unknown[] }) => {
      if (node.type === 'html') node.type = 'text';
      node.children?.forEach((child) => visit(child as typeof node));
    };
    visit(tree);
  };
}

/**
 * GitHub-flavoured Markdown (tables, strikethrough, task lists, autolinks, footnotes) for parsing
 * only: remark-gfm would also bundle the Markdown serializer, which rendering never uses.
 */
function remarkGfmParseOnly(this: { data(): Record<string, unknown[] | undefined> }) {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfm());
  (data.fromMarkdownExtensions ??= []).push(gfmFromMarkdown());
}

const safeUrl = (url: string) => {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/(?!\/))/i.test(cleaned) || !/^[a-z][a-z0-9+.-]*:/i.test(cleaned) ? cleaned : '';
};

/**
 * How a project's text writes math. By default a single `$` is text (model text is full of prices,
 * shell prompts and variables) and math is `$$…$$`, `\(…\)` or `\[…\]`; a math-heavy project may
 * take `$…$` as math too (its `singleDollarMath` setting).
 */
export interface MarkdownSettings {
  singleDollarMath: boolean;
}
const SettingsContext = createContext<MarkdownSettings>({ singleDollarMath: false });

/** Gives every Markdown inside the settings of the project it belongs to. */
export function MarkdownSettingsProvider({ singleDollarMath, children }: MarkdownSettings & { children: ReactNode }) {
  const settings = useMemo(() => ({ singleDollarMath }), [singleDollarMath]);
  return <SettingsContext.Provider value={settings}>{children}</SettingsContext.Provider>;
}

/**
 * Math (KaTeX) and code highlighting are most of the renderer's weight, so they load only once
 * some text needs them; until then such text shows unrendered for a moment.
 */
interface Extras {
  remark: (settings: MarkdownSettings) => PluggableList;
  rehype: PluggableList;
}
const loaders = {
  math: () =>
    Promise.all([import('remark-math'), import('./tex-math.ts'), import('./katex-as-written.ts'), import('katex/dist/katex.min.css')]).then(
      ([math, tex, katex]): Extras => ({
        remark: ({ singleDollarMath }) => [[math.default, { singleDollarTextMath: singleDollarMath }], tex.remarkTexMath],
        // A formula KaTeX cannot render is shown as the text it was written as (katex-as-written.ts).
        rehype: [[katex.rehypeKatexAsWritten, { trust: false, strict: 'ignore' }]],
      }),
    ),
  code: () => import('rehype-highlight').then((highlight): Extras => ({ remark: () => [], rehype: [[highlight.default, { detect: false }]] })),
};
type Kind = keyof typeof loaders;
const loaded: Partial<Record<Kind, Extras>> = {};
const loading: Partial<Record<Kind, Promise<Extras>>> = {};

const mathIn = (text: string, { singleDollarMath }: MarkdownSettings) => (singleDollarMath ? /\$|\\\(|\\\[/ : /\$\$|\\\(|\\\[/).test(text);
const needs = (text: string, settings: MarkdownSettings): Kind[] => [
  ...(mathIn(text, settings) ? (['math'] as const) : []),
  ...(/```|~~~/.test(text) ? (['code'] as const) : []),
];

function useExtras(text: string) {
  const settings = useContext(SettingsContext);
  const wanted = needs(text, settings);
  const [, rerender] = useState(0);
  const missing = wanted.filter((kind) => !loaded[kind]);
  useEffect(() => {
    let live = true;
    for (const kind of missing) {
      (loading[kind] ??= loaders[kind]().then((extras) => (loaded[kind] = extras))).then(() => live && rerender((n) => n + 1));
    }
    return () => {
      live = false;
    };
    // The kinds still missing are what matter; their list changes only with the text and the settings.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [missing.join()]);
  const ready = wanted.flatMap((kind) => (loaded[kind] ? [loaded[kind]] : []));
  return {
    remark: [remarkGfmParseOnly, ...ready.flatMap((e) => e.remark(settings)), htmlAsText] as PluggableList,
    rehype: ready.flatMap((e) => e.rehype),
  };
}

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const plugins = useExtras(text);
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={plugins.remark}
        rehypePlugins={plugins.rehype}
        urlTransform={safeUrl}
        components={{ a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" /> }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
