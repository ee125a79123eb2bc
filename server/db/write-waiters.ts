/**
 * How many writers of this process are waiting for the write lock, in memory shared by all its
 * threads: the request thread's group commit counts itself in while its batch waits, and a long
 * write in a worker thread (an HTTP import, batches.ts) ends its batch at once when it sees one,
 * rather than at the end of its time slice. A trainer's write then waits for one conversation's
 * rows, not for a whole batch. The pool hands the memory to its threads (workers/pool.ts); another
 * process (a CLI import) cannot see it and is held to its batches' length alone.
 */
let waiters = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** The count's memory, to hand to a worker thread. */
export const writeWaitersMemory = (): SharedArrayBuffer => waiters.buffer as SharedArrayBuffer;

/** In a worker thread: count in the memory of the thread that started it. */
export function useWriteWaitersMemory(memory: SharedArrayBuffer): void {
  waiters = new Int32Array(memory);
}

export const writersWaiting = (): boolean => Atomics.load(waiters, 0) > 0;

/** Counts a writer in as waiting; the function returned counts it out again. */
export function waitForWriteLock(): () => void {
  Atomics.add(waiters, 0, 1);
  let counted = true;
  return () => {
    if (counted) Atomics.sub(waiters, 0, 1);
    counted = false;
  };
}
