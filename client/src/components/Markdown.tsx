import 'katex/dist/katex.min.css';
import { memo } from 'react';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';

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

const safeUrl = (url: string) => {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/(?!\/))/i.test(cleaned) || !/^[a-z][a-z0-9+.-]*:/i.test(cleaned) ? cleaned : '';
};

const remarkPlugins = [remarkGfm, [remarkMath, { singleDollarTextMath: true }], htmlAsText] as const;
const rehypePlugins = [[rehypeKatex, { throwOnError: false, trust: false, strict: 'ignore' }], [rehypeHighlight, { detect: false }]] as const;

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        remarkPlugins={remarkPlugins as any}
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        rehypePlugins={rehypePlugins as any}
        urlTransform={safeUrl}
        components={{ a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" /> }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
