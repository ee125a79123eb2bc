// A worker thread of the pool (pool.ts): the tasks that may run there, by name.
import { workerData } from 'piscina';
import { openReadConnection } from '#server/db/client.ts';
import { useWriteWaitersMemory } from '#server/db/write-waiters.ts';
import { backfillFiguresTask } from '#server/modules/comparisons/figures.ts';
import { indexSearchTask } from '#server/modules/comparisons/search-index.ts';
import { importTask, sweepStagingsTask } from '#server/modules/conversations/import.task.ts';
import { exportCountTask, exportToPortTask } from '#server/modules/exports/export.ts';
import { projectStatsTask, trainerStats } from '#server/modules/stats/stats.ts';

// Long writes here yield to the request thread's waiting writes (write-waiters.ts).
useWriteWaitersMemory(workerData as SharedArrayBuffer);

const tasks = {
  projectStats: projectStatsTask,
  trainerStats,
};

/**
 * Tasks given the database file, each opening its own connection and closing it after: imports,
 * the comparisons' figures and their search index (comparisons/figures.ts, search-index.ts) write;
 * an export count, and an export being downloaded (on the pool of streams), read one snapshot of their own.
 */
const fileTasks = {
  importFile: importTask,
  sweepStagings: sweepStagingsTask,
  backfillFigures: backfillFiguresTask,
  indexSearch: indexSearchTask,
  exportCount: exportCountTask,
  exportToPort: exportToPortTask,
};

type Tasks = typeof tasks & typeof fileTasks;
export type TaskName = keyof Tasks;
export type TaskArgs<T extends TaskName> = Parameters<Tasks[T]>[1];
export type TaskResult<T extends TaskName> = Awaited<ReturnType<Tasks[T]>>;
const isFileTask = (task: TaskName): task is keyof typeof fileTasks => task in fileTasks;

/**
 * Each other task reads through a read-only connection opened for it and closed after it: a worker
 * holds no file open between tasks, so it never keeps a database the server has closed, or its WAL.
 */
export default function runTask<T extends TaskName>({
  task,
  dbFile,
  args,
}: {
  task: T;
  dbFile: string;
  args: TaskArgs<T>;
}): TaskResult<T> | Promise<TaskResult<T>> {
  if (isFileTask(task)) return (fileTasks[task] as (dbFile: string, args: TaskArgs<T>) => Promise<TaskResult<T>>)(dbFile, args);
  const sqlite = openReadConnection(dbFile);
  try {
    return (tasks[task as keyof typeof tasks] as unknown as (db: { sqlite: typeof sqlite }, args: TaskArgs<T>) => TaskResult<T>)({ sqlite }, args);
  } finally {
    sqlite.close();
  }
}
