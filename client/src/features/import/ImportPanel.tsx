import { useState, type DragEvent } from 'react';
import type { ImportResult } from '#shared/conversations.ts';
import type { ImportJob } from '#shared/imports.ts';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { decimal, percent, plural } from '../../lib/format.ts';
import { useCreateImport } from './api/create-import.ts';
import { useImportJob } from './api/get-import-job.ts';
// The template is checked by the real importer in tests/import-errors.test.ts; its first line is the page's example.
import template from './import-template.jsonl?raw';
import './import.css';

const exampleLine = template.slice(0, template.indexOf('\n'));
const templateHref = `data:application/x-ndjson;charset=utf-8,${encodeURIComponent(template)}`;

type Step =
  | { kind: 'idle' }
  | { kind: 'uploading'; what: 'check' | 'import'; share: number }
  | { kind: 'running'; job: ImportJob }
  | { kind: 'checked'; result: ImportResult }
  | { kind: 'imported'; result: ImportResult };

/** Rounded down, so that a pass shows 100% only once it is over. */
const partDone = (done: number, total: number) => percent(total > 0 ? Math.floor((100 * done) / total) / 100 : 0, 0);

const size = (bytes: number) => (bytes < 1 << 20 ? `${decimal(bytes / 1024, 1)} KiB` : `${decimal(bytes / (1 << 20), 1)} MiB`);

/** How far a pass over the file is: "12.0 MiB of 40.0 MiB (30%)". */
const howFar = (done: number, total: number) => `${size(done)} of ${size(total)} (${partDone(done, total)})`;

/** What a running job is doing, in the words the page shows. */
function describeJob(job: ImportJob) {
  if (job.state === 'checking') return `Checking every line… ${howFar(job.bytesDone, job.bytesTotal)}`;
  if (job.state === 'importing') return `Importing… ${howFar(job.bytesDone, job.bytesTotal)}`;
  return 'Making the imported lines visible…';
}

/** Upload a JSONL file: a dry run first shows what it holds and every bad line; then import it. */
export function ImportPanel({ slug }: { slug: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [what, setWhat] = useState<'check' | 'import'>('check');
  const [share, setShare] = useState(0);
  const [dragging, setDragging] = useState(false);
  const upload = useCreateImport(slug, setShare);
  const { data: job, error: jobError } = useImportJob(slug, upload.data?.id ?? null);

  const run = (chosen: File, next: 'check' | 'import') => {
    setWhat(next);
    setShare(0);
    upload.mutate({ file: chosen, dryRun: next === 'check' });
  };

  // Where the upload and its job are, in the steps the page shows.
  const failed = job?.state === 'failed' ? new ApiError(job.error!.status, job.error!.code, job.error!.message) : null;
  const error = upload.error ?? jobError ?? failed;
  const step: Step = upload.isPending
    ? { kind: 'uploading', what, share }
    : error || !job
      ? { kind: 'idle' }
      : job.state === 'done'
        ? { kind: what === 'check' || !job.result!.imported ? 'checked' : 'imported', result: job.result! }
        : { kind: 'running', job };

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    run(chosen, 'check');
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const summary = (r: ImportResult) =>
    `${plural(r.conversations, 'new conversation')}: ${plural(r.comparisons, 'comparison')} and ${plural(r.prompts, 'prompt')}` +
    (r.skippedExisting ? `; ${plural(r.skippedExisting, 'line')} already imported will be left as they are` : '');

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import conversations</h2>
      <div className="import-format">
        <p>
          A JSON Lines file (<code>.jsonl</code>): one JSON object per line, each line one conversation, like this one, the first line of the{' '}
          <a href={templateHref} download="ordinal-import-template.jsonl">
            template
          </a>{' '}
          (a file to start from):
        </p>
        <pre>
          <code data-testid="example-line">{exampleLine}</code>
        </pre>
        <dl>
          <dt>
            <code>id</code>
          </dt>
          <dd>your own id for the line, unique in the project; exports carry it as source_id</dd>
          <dt>
            <code>messages</code>
          </dt>
          <dd>
            the conversation so far: an optional system message, then user and assistant turns alternating, the user first, ending with the user turn to answer
          </dd>
          <dt>
            <code>completions</code>
          </dt>
          <dd>
            2–9 answers to rank, each an object like <code>{'{"content": "…"}'}</code> (optionally with model, params, finish_reason); none makes a prompt
          </dd>
          <dt>
            <code>metadata</code>
          </dt>
          <dd>optional: any JSON object, kept with the line and exported with it</dd>
        </dl>
        <p className="muted">
          The file is checked first; nothing is imported while any line is bad. The whole format is in docs/import-format.md, in Ordinal&apos;s repository.
        </p>
      </div>
      <div
        className={`dropzone${dragging ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a .jsonl file here, or</p>
        <label className="button">
          Choose a file
          <input
            type="file"
            accept=".jsonl,.ndjson,.json,application/x-ndjson,application/json,text/plain"
            className="visually-hidden"
            onChange={(e) => {
              choose(e.target.files?.[0]);
              // Choosing the same file again, once it is fixed, must check it again: the browser only says so when the value changed.
              e.target.value = '';
            }}
          />
        </label>
        {file && (
          <p className="muted">
            {file.name} · {size(file.size)}
          </p>
        )}
      </div>

      {step.kind === 'uploading' && (
        <div>
          <label>
            {`Uploading the file to ${step.what === 'check' ? 'check' : 'import'} it… ${howFar(Math.round(step.share * (file?.size ?? 0)), file?.size ?? 0)}`}
            <progress max={1} value={step.share < 1 ? step.share : undefined} />
          </label>
        </div>
      )}
      {step.kind === 'running' && (
        <div>
          <label>
            {describeJob(step.job)}
            <progress max={1} value={step.job.state === 'finishing' || step.job.bytesTotal === 0 ? undefined : step.job.bytesDone / step.job.bytesTotal} />
          </label>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}

      {step.kind === 'checked' && step.result.errors.length > 0 && (
        <div role="alert" className="error">
          <p>
            <strong>{plural(step.result.errors.length + step.result.moreErrors, 'bad line')}: nothing was imported.</strong> Fix them and choose the file again.
          </p>
          <table className="bad-lines">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {step.result.errors.map((e) => (
                <tr key={e.line}>
                  <td>{e.line}</td>
                  <td>
                    <strong>{e.problems[0]}</strong>
                    {e.problems.length > 1 && (
                      <ul className="more-problems" aria-label={`More problems of line ${e.line}`}>
                        {e.problems.slice(1).map((problem, i) => (
                          <li key={i}>{problem}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {step.result.moreErrors > 0 && <p>… and {plural(step.result.moreErrors, 'more bad line')}.</p>}
        </div>
      )}
      {step.kind === 'checked' && step.result.errors.length === 0 && file && (
        <div className="checked" role="status">
          <p>The file is valid: {summary(step.result)}.</p>
          {step.result.conversations > 0 ? (
            <button type="button" className="primary" onClick={() => run(file, 'import')}>
              Import {plural(step.result.conversations, 'conversation')}
            </button>
          ) : (
            <p className="muted">There is nothing new to import.</p>
          )}
        </div>
      )}
      {step.kind === 'imported' && (
        <p role="status" className="success">
          Imported {summary(step.result)}.
        </p>
      )}
    </section>
  );
}
