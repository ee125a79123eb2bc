/**
 * How every page writes a number for a person: one fixed locale, so that 20,000 reads the same on
 * every page, in every browser language and in the tests; '—' where there is no figure.
 */
const LOCALE = 'en';

const formats = new Map<string, Intl.NumberFormat>();
/** One formatter per style, made once: Intl.NumberFormat is slow to build and quick to use. */
function formatter(style: 'decimal' | 'percent', digits: number): Intl.NumberFormat {
  const key = `${style}:${digits}`;
  let made = formats.get(key);
  if (!made) {
    // 'negative': a value that rounds to zero shows as 0, never as -0.
    made = new Intl.NumberFormat(LOCALE, { style, minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'negative' });
    formats.set(key, made);
  }
  return made;
}

/** A whole number: "20,000". */
export const count = (n: number) => formatter('decimal', 0).format(n);

/** A count and its noun, singular for exactly one: "1 comparison", "20,000 comparisons". */
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** A share from 0 to 1 as a percentage: "66.7%". */
export const percent = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : formatter('percent', digits).format(x));

/** A number with a fixed count of decimals: "1,234.50". */
export const decimal = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : formatter('decimal', digits).format(x));

/** A duration in seconds, to a tenth: "12.3 s". */
export const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${decimal(ms / 1000, 1)} s`);
