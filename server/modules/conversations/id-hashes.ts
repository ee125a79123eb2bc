/**
 * cyrb53 (bryc, public domain): a fast 53-bit string hash, so that it fits a double exactly.
 * https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js
 */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The ids of an import file's lines seen so far, each as a 53-bit hash with its line number in an
 * open-addressing table: about 24 bytes per line whatever the ids' length, where a Map of the ids
 * themselves took some 80 MB at a million lines. Two ids share a hash with a chance of about
 * n²/2^54 (1 in 18,000 at a million lines), so a hash seen before only makes the line a suspect,
 * which the caller confirms by comparing the ids themselves (import.ts).
 */
export class IdHashes {
  /** hash + 1 of each slot's id; 0 is an empty slot. */
  private hashes = new Float64Array(1024);
  private lines = new Uint32Array(1024);
  private count = 0;

  /** Records that `id` is on `line`, unless an id of the same hash was recorded: then that one's line. */
  firstLineOf(id: string, line: number): number | undefined {
    if (2 * (this.count + 1) > this.hashes.length) this.grow();
    const key = cyrb53(id) + 1;
    const slot = this.slotOf(key);
    if (this.hashes[slot] === key) return this.lines[slot];
    this.hashes[slot] = key;
    this.lines[slot] = line;
    this.count++;
    return undefined;
  }

  /** The slot holding `key`, or the empty one where it goes (linear probing). */
  private slotOf(key: number): number {
    const mask = this.hashes.length - 1;
    let slot = key % this.hashes.length;
    while (this.hashes[slot] !== 0 && this.hashes[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private grow() {
    const [hashes, lines] = [this.hashes, this.lines];
    this.hashes = new Float64Array(2 * hashes.length);
    this.lines = new Uint32Array(2 * hashes.length);
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === 0) continue;
      const slot = this.slotOf(hashes[i]!);
      this.hashes[slot] = hashes[i]!;
      this.lines[slot] = lines[i]!;
    }
  }
}
