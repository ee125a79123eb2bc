import { describe, expect, it } from 'vitest';
import { count, decimal, percent, plural, seconds } from '../client/src/lib/format.ts';

describe('numbers as pages show them', () => {
  it('counts carry thousands separators, whatever the browser language', () => {
    expect(count(0)).toBe('0');
    expect(count(999)).toBe('999');
    expect(count(19999)).toBe('19,999');
    expect(count(1_234_567)).toBe('1,234,567');
  });

  it('a count with its noun is singular for exactly one', () => {
    expect(plural(0, 'comparison')).toBe('0 comparisons');
    expect(plural(1, 'comparison')).toBe('1 comparison');
    expect(plural(20000, 'comparison')).toBe('20,000 comparisons');
    expect(plural(2, 'reply', 'replies')).toBe('2 replies');
  });

  it('shares, decimals and durations have a fixed count of decimals, separators too, and a dash for none', () => {
    expect(percent(2 / 3)).toBe('66.7%');
    expect(percent(0.375, 0)).toBe('38%');
    expect(percent(12.5)).toBe('1,250.0%');
    expect(percent(null)).toBe('—');
    expect(decimal(0.5)).toBe('0.50');
    expect(decimal(1234.5, 1)).toBe('1,234.5');
    expect(decimal(-0.001)).toBe('0.00');
    expect(decimal(undefined)).toBe('—');
    expect(seconds(12_345)).toBe('12.3 s');
    expect(seconds(3_600_000)).toBe('3,600.0 s');
    expect(seconds(null)).toBe('—');
  });
});
