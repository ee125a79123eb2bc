import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { SampleJob } from '#shared/models.ts';
import { sampleProject } from './sampling.ts';
import { samplingRunning, samplingStopped } from './models.errors.ts';

const idle: SampleJob = { state: 'idle', total: 0, done: 0, failed: 0, notSampled: 0, lastError: null, advice: null, startedAt: null, finishedAt: null };

/**
 * The server's sampling jobs, one per project, run in the background. Kept in memory: a restart
 * forgets the job, but not its work, which is committed prompt by prompt; starting again resumes.
 */
export class SampleJobs {
  private jobs = new Map<number, SampleJob>();
  private readonly stopping = new AbortController();

  status(projectId: number): SampleJob {
    return this.jobs.get(projectId) ?? idle;
  }

  start(db: Db, project: ProjectRow, k: number | undefined, actorId: number): SampleJob {
    if (this.stopping.signal.aborted) throw samplingStopped();
    if (this.status(project.id).state === 'running') throw samplingRunning();
    const job: SampleJob = { ...idle, state: 'running', startedAt: new Date().toISOString() };
    this.jobs.set(project.id, job);
    sampleProject(db, project, { k, actorId, signal: this.stopping.signal, onProgress: (p) => Object.assign(job, p) }).then(
      (p) => Object.assign(job, p, { state: p.failed && !p.done && !p.notSampled ? 'failed' : 'done', finishedAt: new Date().toISOString() }),
      (error: Error) => Object.assign(job, { state: 'failed', lastError: error.message, finishedAt: new Date().toISOString() }),
    );
    return { ...job };
  }

  /** The server is stopping: every job starts no further prompt (the next start resumes them). */
  stopAll() {
    this.stopping.abort();
  }
}
