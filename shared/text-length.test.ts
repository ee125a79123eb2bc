import { describe, expect, it } from 'vitest';
import { textLength } from './text-length.ts';

describe('textLength', () => {
  it('counts code points: three emoji are three, and shorter than four letters', () => {
    expect(textLength('😀😀😀')).toBe(3);
    expect(textLength('abcd')).toBe(4);
    expect(textLength('😀😀😀')).toBeLessThan(textLength('abcd'));
  });

  it('counts every code point past a NUL', () => {
    expect(textLength('a\u0000bc')).toBe(4);
  });

  it('counts a lone surrogate as one, wherever it stands', () => {
    expect(textLength('\ud83d')).toBe(1);
    expect(textLength('a\ude00b')).toBe(3);
    expect(textLength('\ude00\ud83d')).toBe(2);
    expect(textLength('\ud83d\ud83d\ude00')).toBe(2);
  });

  it('is what iterating the string by code points gives', () => {
    for (const text of ['', 'é', 'e\u0301', '👩‍👩‍👧', '𝔸𝔹ℂ', 'x\ud800', '\udfff\ud800\udc00'])
      expect(textLength(text), JSON.stringify(text)).toBe([...text].length);
  });
});
