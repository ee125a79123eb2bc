import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';

export interface Line {
  /** 1-based, counting every line of the file, blank ones included. */
  number: number;
  /** Null when the line cannot be read as text; `problem` says why. */
  text: string | null;
  problem?: string;
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
}

const CHUNK = 1 << 20;
export const MAX_LINE_BYTES = 64 << 20;

/**
 * The lines of a file, read synchronously in 1 MiB chunks so that a file of any size is never
 * held whole and the caller can stay inside one synchronous SQLite transaction.
 * Strips a UTF-8 byte-order mark and the \r of \r\n endings. A line longer than MAX_LINE_BYTES
 * or not valid UTF-8 comes with null text and a problem instead.
 */
export function* readLines(file: string): Generator<Line> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let tooLong = false;
    let number = 0;
    let bytesRead = 0;
    let first = true;
    const finish = (tail: Buffer): Pick<Line, 'text' | 'problem'> => {
      number++;
      if (tooLong) return { text: null, problem: `line is longer than ${MAX_LINE_BYTES >> 20} MiB` };
      let bytes = pending.length ? Buffer.concat([...pending, tail]) : tail;
      if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
      if (!isUtf8(bytes)) return { text: null, problem: 'line is not valid UTF-8 text' };
      let text = bytes.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      return { text };
    };
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      bytesRead += n;
      let start = 0;
      for (let nl = buffer.indexOf(10, start); nl !== -1 && nl < n; nl = buffer.indexOf(10, start)) {
        const line = finish(buffer.subarray(start, nl));
        yield { number, ...line, bytesRead };
        pending = [];
        pendingBytes = 0;
        tooLong = false;
        start = nl + 1;
      }
      if (start < n) {
        pendingBytes += n - start;
        if (pendingBytes > MAX_LINE_BYTES) {
          tooLong = true;
          pending = [];
        } else pending.push(Buffer.from(buffer.subarray(start, n)));
      }
    }
    if (pendingBytes > 0 || tooLong) {
      const line = finish(Buffer.alloc(0));
      yield { number, ...line, bytesRead };
    }
  } finally {
    fs.closeSync(fd);
  }
}
