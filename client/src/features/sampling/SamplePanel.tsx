import { errorMessage } from '../../lib/api.ts';
import { count, plural } from '../../lib/format.ts';
import { useSample } from './api/get-sample.ts';
import { useStartSample } from './api/start-sample.ts';

/** Sampling candidates for the project's prompts with its model, with the job's progress. */
export function SamplePanel({ slug, hasModel, k }: { slug: string; hasModel: boolean; k: number }) {
  const { data: view } = useSample(slug);
  const start = useStartSample(slug);
  const error = start.error;

  if (!view) return null;
  const { job, waitingPrompts, unsampled } = view;
  const left = [job.failed && `${count(job.failed)} failed`, job.notSampled && `${count(job.notSampled)} not sampled`].filter(Boolean).join(', ');
  return (
    <div className="sample" aria-label="Sampling">
      <h3>Sampled candidates</h3>
      <p>
        {plural(waitingPrompts, 'prompt')} wait{waitingPrompts === 1 ? 's' : ''} for candidates.
        {!hasModel && ' Sampling needs a model: set one in Settings.'}
      </p>
      {job.state === 'running' && (
        <label>
          Sampling: {count(job.done + job.failed)} of {count(job.total)}
          <progress max={job.total || 1} value={job.done + job.failed} />
        </label>
      )}
      {job.state === 'done' && (
        <p role="status" className="success">
          Sampled {count(job.done)} of {plural(job.total, 'prompt')}
          {left ? `; ${left}` : ''}.
        </p>
      )}
      {job.state === 'failed' && (
        <p role="alert" className="error">
          Sampling stopped: {job.lastError}
        </p>
      )}
      {job.state !== 'running' && job.advice && <p className="muted">{job.advice}</p>}
      {unsampled.length > 0 && (
        <ul className="unsampled" aria-label="Prompts left without candidates">
          {unsampled.map((u) => (
            <li key={u.reason}>
              {plural(u.prompts, 'prompt')} not sampled: {u.reason}.
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}
      <div className="actions start">
        <button type="button" onClick={() => start.mutate()} disabled={!hasModel || waitingPrompts === 0 || job.state === 'running'}>
          Sample {count(k)} candidates for each waiting prompt
        </button>
      </div>
    </div>
  );
}
