/**
 * A one-line progress display on standard error, drawn only when it is a terminal, so piped and
 * scripted runs stay quiet. Redraws at most five times a second; callers may report as often as they like.
 */
export function progressLine(label: string) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(done: number, total?: number, unit = '') {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200 && !(total !== undefined && done >= total)) return;
      last = now;
      drawn = true;
      let text = `${label} ${done.toLocaleString('en')}${unit}`;
      if (total) {
        const share = Math.min(1, done / total);
        const width = 24;
        const filled = Math.round(share * width);
        text = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
      }
      process.stderr.write(`\r${text}\x1b[K`);
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
