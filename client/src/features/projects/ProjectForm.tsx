import { useState, type FormEvent } from 'react';
import { ModelConnectionTest } from './ModelConnectionTest.tsx';
import type { z } from 'zod';
import { defaultSampling } from '#shared/models.ts';
import { createProjectSchema, defaultFlags, defaultRatings, updateProjectSchema, type Flag, type Project, type RatingQuestion } from '#shared/projects.ts';
import { describeIssue } from '#shared/validation.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { errorMessage } from '../../lib/api.ts';
import { createProject, updateProject } from '../../lib/projects.ts';

interface FormState {
  slug: string;
  name: string;
  guidelines: string;
  overlap: string;
  allowTies: boolean;
  leaseMinutes: string;
  ratings: RatingQuestion[];
  flags: Flag[];
  baseUrl: string;
  model: string;
  /** A new key to store; empty keeps the stored one. */
  apiKey: string;
  removeKey: boolean;
  temperature: string;
  topP: string;
  maxTokens: string;
  k: string;
  goldRate: string;
  leaderboard: boolean;
}

const initial = (project?: Project): FormState => ({
  slug: project?.slug ?? '',
  name: project?.name ?? '',
  guidelines: project?.guidelines ?? '',
  overlap: String(project?.overlap ?? 1),
  allowTies: project?.allowTies ?? false,
  leaseMinutes: String(project?.leaseMinutes ?? 30),
  ratings: project?.ratings ?? defaultRatings,
  flags: project?.flags ?? defaultFlags,
  baseUrl: project?.modelEndpoint?.baseUrl ?? '',
  model: project?.modelEndpoint?.model ?? '',
  apiKey: '',
  removeKey: false,
  temperature: String(project?.sampling.temperature ?? defaultSampling.temperature),
  topP: String(project?.sampling.topP ?? defaultSampling.topP),
  maxTokens: String(project?.sampling.maxTokens ?? defaultSampling.maxTokens),
  k: String(project?.sampling.k ?? defaultSampling.k),
  goldRate: String(project?.goldRate ?? 0),
  leaderboard: project?.leaderboard ?? false,
});

/** The endpoint fields as the API takes them: both empty means no model; the key is write-only. */
function endpointOf(form: FormState) {
  if (!form.baseUrl.trim() && !form.model.trim()) return null;
  return { baseUrl: form.baseUrl.trim(), model: form.model.trim(), ...(form.apiKey ? { apiKey: form.apiKey } : form.removeKey ? { apiKey: null } : {}) };
}

/** Creates a project, or edits one when `project` is given. Validated with the API's own schemas. */
export function ProjectForm({ project, onSaved }: { project?: Project; onSaved: (project: Project) => void }) {
  const [form, setForm] = useState<FormState>(() => initial(project));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const values = {
      name: form.name,
      guidelines: form.guidelines,
      allowTies: form.allowTies,
      ratings: form.ratings,
      flags: form.flags,
      overlap: Number(form.overlap),
      leaseMinutes: Number(form.leaseMinutes),
      modelEndpoint: endpointOf(form),
      goldRate: Number(form.goldRate),
      leaderboard: form.leaderboard,
      sampling: { temperature: Number(form.temperature), topP: Number(form.topP), maxTokens: Number(form.maxTokens), k: Number(form.k) },
    };
    const slug = form.slug;
    const parsed = project ? updateProjectSchema.safeParse(values) : createProjectSchema.safeParse({ ...values, slug });
    if (!parsed.success) {
      setProblems(Object.fromEntries(parsed.error.issues.map(describeIssue).map((i) => [i.path || 'form', i.message])));
      return;
    }
    setProblems({});
    try {
      const result = project ? await updateProject(project.slug, parsed.data) : await createProject(parsed.data as z.infer<typeof createProjectSchema>);
      setSaved(true);
      // The key is write-only: once stored it leaves the form (and the page's HTML).
      setForm((f) => ({ ...f, apiKey: '', removeKey: false }));
      onSaved(result);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const problem = (path: string) => problems[path] && <span className="field-error">{problems[path]}</span>;
  const nested = (prefix: string) => Object.entries(problems).filter(([p]) => p.startsWith(prefix)).map(([p, m]) => <span key={p} className="field-error">{p}: {m}</span>);

  return (
    <form className="form" onSubmit={submit} aria-label={project ? 'Project settings' : 'New project'} noValidate>
      {!project && (
        <label>
          Slug (used in URLs and the CLI; lowercase letters, digits and dashes)
          <input value={form.slug} onChange={(e) => set('slug', e.target.value)} required aria-invalid={!!problems.slug} />
          {problem('slug')}
        </label>
      )}
      <label>
        Name
        <input value={form.name} onChange={(e) => set('name', e.target.value)} required aria-invalid={!!problems.name} />
        {problem('name')}
      </label>
      <div className="field">
        <div className="field-head">
          <span id="guidelines-label">Guidelines (Markdown, shown to trainers)</span>
          <button type="button" className="link" onClick={() => setPreview(!preview)} aria-pressed={preview}>{preview ? 'Edit' : 'Preview'}</button>
        </div>
        {preview ? (
          <div className="preview">{form.guidelines ? <Markdown text={form.guidelines} /> : <p className="muted">Nothing written yet.</p>}</div>
        ) : (
          <textarea aria-labelledby="guidelines-label" rows={8} value={form.guidelines} onChange={(e) => set('guidelines', e.target.value)} />
        )}
        {problem('guidelines')}
      </div>
      <div className="row">
        <label>
          Trainers per comparison (overlap)
          <input type="number" min={1} max={50} value={form.overlap} onChange={(e) => set('overlap', e.target.value)} aria-invalid={!!problems.overlap} />
          {problem('overlap')}
        </label>
        <label>
          Lease (minutes a trainer holds a comparison)
          <input type="number" min={1} max={1440} value={form.leaseMinutes} onChange={(e) => set('leaseMinutes', e.target.value)} aria-invalid={!!problems.leaseMinutes} />
          {problem('leaseMinutes')}
        </label>
      </div>
      <label className="toggle">
        <input type="checkbox" checked={form.allowTies} onChange={(e) => set('allowTies', e.target.checked)} />
        Allow ties
      </label>
      <div className="row">
        <label>
          Gold rate (share of a trainer’s comparisons that are gold items, 0–0.5)
          <input type="number" min={0} max={0.5} step={0.05} value={form.goldRate} onChange={(e) => set('goldRate', e.target.value)} aria-invalid={!!problems.goldRate} />
          {problem('goldRate')}
        </label>
        <label className="toggle">
          <input type="checkbox" checked={form.leaderboard} onChange={(e) => set('leaderboard', e.target.checked)} />
          Show trainers a leaderboard
        </label>
      </div>

      <fieldset>
        <legend>Ratings asked per answer</legend>
        {form.ratings.map((q, i) => (
          <div className="row editable" key={i}>
            <label>Key<input value={q.key} onChange={(e) => set('ratings', form.ratings.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))} /></label>
            <label>Label<input value={q.label} onChange={(e) => set('ratings', form.ratings.map((r, j) => (j === i ? { ...r, label: e.target.value } : r)))} /></label>
            <label>From<input type="number" value={q.min} onChange={(e) => set('ratings', form.ratings.map((r, j) => (j === i ? { ...r, min: Number(e.target.value) } : r)))} /></label>
            <label>To<input type="number" value={q.max} onChange={(e) => set('ratings', form.ratings.map((r, j) => (j === i ? { ...r, max: Number(e.target.value) } : r)))} /></label>
            <label className="toggle"><input type="checkbox" checked={q.required} onChange={(e) => set('ratings', form.ratings.map((r, j) => (j === i ? { ...r, required: e.target.checked } : r)))} />Required</label>
            <button type="button" className="link" onClick={() => set('ratings', form.ratings.filter((_, j) => j !== i))} aria-label={`Remove rating ${q.label || i + 1}`}>Remove</button>
          </div>
        ))}
        {nested('ratings')}
        <div className="actions start">
          <button type="button" onClick={() => set('ratings', [...form.ratings, { key: `rating_${form.ratings.length + 1}`, label: '', min: 1, max: 7, required: false }])}>Add a rating</button>
        </div>
      </fieldset>

      <fieldset>
        <legend>Flags a trainer may tick per answer</legend>
        {form.flags.map((f, i) => (
          <div className="row editable" key={i}>
            <label>Key<input value={f.key} onChange={(e) => set('flags', form.flags.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} /></label>
            <label className="grow">Label<input value={f.label} onChange={(e) => set('flags', form.flags.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))} /></label>
            <button type="button" className="link" onClick={() => set('flags', form.flags.filter((_, j) => j !== i))} aria-label={`Remove flag ${f.label || i + 1}`}>Remove</button>
          </div>
        ))}
        {nested('flags')}
        <div className="actions start">
          <button type="button" onClick={() => set('flags', [...form.flags, { key: `flag_${form.flags.length + 1}`, label: '' }])}>Add a flag</button>
          <button type="button" onClick={() => { set('ratings', defaultRatings); set('flags', defaultFlags); }}>Use InstructGPT’s defaults</button>
        </div>
      </fieldset>

      <fieldset>
        <legend>Model (optional: for sampled candidates, suggestions and chats)</legend>
        <p className="muted">Any OpenAI-compatible Chat Completions server: vLLM (<code>http://host:8000/v1</code>), Ollama (<code>http://host:11434/v1</code>), llama.cpp server (<code>http://host:8080/v1</code>) or a hosted API. Leave both empty for no model.</p>
        <div className="row">
          <label>
            Base URL
            <input value={form.baseUrl} onChange={(e) => set('baseUrl', e.target.value)} placeholder="http://localhost:8000/v1" aria-invalid={!!problems['modelEndpoint.baseUrl']} />
            {problem('modelEndpoint.baseUrl')}
          </label>
          <label>
            Model name
            <input value={form.model} onChange={(e) => set('model', e.target.value)} placeholder="meta-llama/Llama-3.1-8B-Instruct" aria-invalid={!!problems['modelEndpoint.model']} />
            {problem('modelEndpoint.model')}
          </label>
        </div>
        <div className="row">
          <label>
            API key {project?.modelEndpoint?.apiKeySet ? '(one is stored; type to replace it)' : '(if the server needs one)'}
            <input type="password" autoComplete="off" value={form.apiKey} onChange={(e) => set('apiKey', e.target.value)} />
          </label>
          {project?.modelEndpoint?.apiKeySet && (
            <label className="toggle">
              <input type="checkbox" checked={form.removeKey} onChange={(e) => set('removeKey', e.target.checked)} disabled={!!form.apiKey} />
              Remove the stored key
            </label>
          )}
        </div>
        <div className="row">
          <label>Temperature<input type="number" step={0.1} min={0} max={2} value={form.temperature} onChange={(e) => set('temperature', e.target.value)} /></label>
          <label>top_p<input type="number" step={0.05} min={0} max={1} value={form.topP} onChange={(e) => set('topP', e.target.value)} /></label>
          <label>Max tokens<input type="number" min={1} value={form.maxTokens} onChange={(e) => set('maxTokens', e.target.value)} /></label>
          <label>Candidates (K)<input type="number" min={2} max={9} value={form.k} onChange={(e) => set('k', e.target.value)} /></label>
        </div>
        {nested('sampling')}
        {nested('modelEndpoint').filter((n) => !['modelEndpoint.baseUrl', 'modelEndpoint.model'].includes(String(n.key)))}
        {project?.hasModel && <ModelConnectionTest slug={project.slug} />}
      </fieldset>

      {Object.keys(problems).length > 0 && <p role="alert" className="error">Please fix the fields marked above.</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {saved && <p role="status" className="success">Saved.</p>}
      <div className="actions start">
        <button type="submit" className="primary">{project ? 'Save settings' : 'Create project'}</button>
      </div>
    </form>
  );
}
