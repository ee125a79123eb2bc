export const percent = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
export const decimal = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
export const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** Candidates are called A, B, C… in the order a trainer was first shown them (or stored, for researchers). */
export const candidateLabel = (index: number) => 'ABCDEFGHI'[index] ?? String(index + 1);
