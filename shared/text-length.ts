/**
 * The length of a text wherever Ordinal reports one (stats, export features, the dashboard): its
 * Unicode code points, as stored. "😀" is one, not the two UTF-16 units of `.length`; a NUL counts
 * like any other character, where SQLite's `length()` would stop at it; a lone surrogate counts one.
 *
 * Counted without building the code points (`[...text].length` allocates one string per point,
 * which a stats page does for every answer of a project).
 */
export function textLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
