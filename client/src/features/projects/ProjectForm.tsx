import { useId, useState } from 'react';
import { useFieldArray, useForm, type Resolver } from 'react-hook-form';
import { z } from 'zod';
import { defaultSampling, type ModelEndpointView } from '#shared/models.ts';
import { createProjectSchema, defaultFlags, defaultRatings, updateProjectSchema, type Project, type UpdateProject } from '#shared/projects.ts';
import { Markdown, MarkdownSettingsProvider } from '../../components/Markdown.tsx';
import { errorsByPath, setServerErrors } from '../../lib/form-errors.ts';
import { formResolver } from '../../lib/form-resolver.ts';
import { useCreateProject, type CreateProjectInput } from './api/create-project.ts';
import { useTestModelConnection } from './api/test-model-connection.ts';
import { useUpdateProject } from './api/update-project.ts';
import { ModelConnectionTest } from './ModelConnectionTest.tsx';

/**
 * The form holds the API's project settings as they are, except the model endpoint: its fields
 * stay text (both empty means no model), and the write-only key has a "remove" box beside it.
 */
type ProjectFormValues = Omit<CreateProjectInput, 'modelEndpoint'> & {
  modelEndpoint: { baseUrl: string; model: string; apiKey: string };
  removeKey: boolean;
};

const initial = (project?: Project): ProjectFormValues => ({
  slug: project?.slug ?? '',
  name: project?.name ?? '',
  guidelines: project?.guidelines ?? '',
  overlap: project?.overlap ?? 1,
  allowTies: project?.allowTies ?? false,
  leaseMinutes: project?.leaseMinutes ?? 30,
  ratings: project?.ratings ?? defaultRatings,
  flags: project?.flags ?? defaultFlags,
  modelEndpoint: { baseUrl: project?.modelEndpoint?.baseUrl ?? '', model: project?.modelEndpoint?.model ?? '', apiKey: '' },
  removeKey: false,
  sampling: project?.sampling ?? defaultSampling,
  goldRate: project?.goldRate ?? 0,
  leaderboard: project?.leaderboard ?? false,
  singleDollarMath: project?.singleDollarMath ?? false,
});

/** The endpoint fields as the API takes them: both empty means no model; the key is write-only. */
function endpointOf({ baseUrl, model, apiKey }: ProjectFormValues['modelEndpoint'], removeKey: boolean) {
  if (!baseUrl.trim() && !model.trim()) return null;
  return { baseUrl: baseUrl.trim(), model: model.trim(), ...(apiKey ? { apiKey } : removeKey ? { apiKey: null } : {}) };
}

/** Whether a save sets a model endpoint other than the stored one (a new key included). */
function changesEndpoint(sent: CreateProjectInput['modelEndpoint'] | undefined, stored: ModelEndpointView | null) {
  if (!sent) return false;
  return !stored || sent.baseUrl !== stored.baseUrl || sent.model !== stored.model || sent.apiKey !== undefined;
}

/** The form's values as the API's body, checked by the API's own schema (its issues keep the form's paths). */
const asBody = <S extends z.ZodType<unknown, Record<string, unknown>>>(schema: S, withSlug: boolean) =>
  z
    .custom<ProjectFormValues>()
    .transform(({ slug, modelEndpoint, removeKey, ...settings }): Record<string, unknown> => ({
      ...(withSlug && { slug }),
      ...settings,
      modelEndpoint: endpointOf(modelEndpoint, removeKey),
    }))
    .pipe(schema);
const createForm = asBody(createProjectSchema, true);
const updateForm = asBody(updateProjectSchema, false);

/** Each field's name as its message begins: "Gold rate must be at most 0.5", "Label is empty" beside a flag's label. */
const labels = {
  slug: 'Slug',
  name: 'Name',
  guidelines: 'Guidelines',
  overlap: 'Overlap',
  leaseMinutes: 'Lease',
  goldRate: 'Gold rate',
  ratings: 'Ratings',
  'ratings.*.key': 'Key',
  'ratings.*.label': 'Question',
  'ratings.*.min': 'From',
  'ratings.*.max': 'To',
  'ratings.*.minLabel': 'Low end label',
  'ratings.*.maxLabel': 'High end label',
  flags: 'Flags',
  'flags.*.key': 'Key',
  'flags.*.label': 'Label',
  'modelEndpoint.baseUrl': 'Base URL',
  'modelEndpoint.model': 'Model name',
  'modelEndpoint.apiKey': 'API key',
  'sampling.temperature': 'Temperature',
  'sampling.topP': 'top_p',
  'sampling.maxTokens': 'Max tokens',
  'sampling.k': 'Candidates (K)',
};
const number = { valueAsNumber: true } as const;

/** Creates a project, or edits one when `project` is given. Validated with the API's own schemas. */
export function ProjectForm({ project, onSaved }: { project?: Project; onSaved?: (project: Project) => void }) {
  const create = useCreateProject();
  const update = useUpdateProject(project?.slug ?? '');
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState(false);
  const form = useForm<ProjectFormValues, unknown, CreateProjectInput | UpdateProject>({
    resolver: (project ? formResolver(updateForm, labels) : formResolver(createForm, labels)) as Resolver<
      ProjectFormValues,
      unknown,
      CreateProjectInput | UpdateProject
    >,
    defaultValues: initial(project),
  });
  const ratings = useFieldArray({ control: form.control, name: 'ratings' });
  const flags = useFieldArray({ control: form.control, name: 'flags' });
  const connection = useTestModelConnection();
  // A new project whose model is being checked before the page moves on (null: none).
  const [created, setCreated] = useState<Project | null>(null);
  const { register } = form;
  const {
    errors: { root, ...fieldErrors },
    isDirty,
  } = form.formState;
  const problems = errorsByPath(fieldErrors);
  const values = form.watch();
  const id = useId();

  const save = form.handleSubmit(async (body) => {
    const endpointChanged = changesEndpoint(body.modelEndpoint, project?.modelEndpoint ?? null);
    try {
      const result = project ? await update.mutateAsync(body as UpdateProject) : await create.mutateAsync(body as CreateProjectInput);
      // The key is write-only: once stored it leaves the form (and the page's HTML).
      const raw = form.getValues();
      form.reset({ ...raw, modelEndpoint: { ...raw.modelEndpoint, apiKey: '' }, removeKey: false });
      setSaved(true);
      // New model settings are tried at once: a mistyped URL is saved, but not without a word.
      if (!(result.hasModel && endpointChanged)) return onSaved?.(result);
      if (project) return connection.mutate({ slug: result.slug, afterSave: true });
      setCreated(result);
      const test = await connection.mutateAsync({ slug: result.slug, afterSave: true }).catch(() => null);
      if (test?.ok) onSaved?.(result);
    } catch (e) {
      setServerErrors(form, e, labels);
    }
  });
  const submit = (event: React.FormEvent) => {
    setSaved(false);
    return save(event);
  };

  /** A field's error, beside it and read with it (`aria-describedby`). */
  const errorId = (path: string) => `${id}-${path}-error`;
  const invalid = (path: string) => (problems[path] ? { 'aria-invalid': true, 'aria-describedby': errorId(path) } : {});
  const problem = (path: string) =>
    problems[path] && (
      <span className="field-error" id={errorId(path)}>
        {problems[path]}
      </span>
    );

  return (
    <form className="form" onSubmit={submit} aria-label={project ? 'Project settings' : 'New project'} noValidate>
      {!project && (
        <label>
          Slug (used in URLs and the CLI; lowercase letters, digits and dashes)
          <input {...register('slug')} required {...invalid('slug')} />
          {problem('slug')}
        </label>
      )}
      <label>
        Name
        <input {...register('name')} required {...invalid('name')} />
        {problem('name')}
      </label>
      <div className="field">
        <div className="field-head">
          <span id="guidelines-label">Guidelines (Markdown, shown to trainers)</span>
          <button type="button" className="link" onClick={() => setPreview(!preview)} aria-pressed={preview}>
            {preview ? 'Edit' : 'Preview'}
          </button>
        </div>
        {preview ? (
          <div className="preview">
            {/* As the box below is ticked now, saved or not. */}
            <MarkdownSettingsProvider singleDollarMath={values.singleDollarMath}>
              {values.guidelines ? <Markdown text={values.guidelines} /> : <p className="muted">Nothing written yet.</p>}
            </MarkdownSettingsProvider>
          </div>
        ) : (
          <textarea aria-labelledby="guidelines-label" rows={8} {...register('guidelines')} {...invalid('guidelines')} />
        )}
        {problem('guidelines')}
      </div>
      <label className="toggle">
        <input type="checkbox" {...register('singleDollarMath')} />
        Single dollars mark math too ($x$), for math-heavy projects
        <span className="muted">Off: a single $ is text (prices, shell prompts); math is $$…$$, \(…\) or \[…\].</span>
      </label>
      <div className="row">
        <label>
          Trainers per comparison (overlap)
          <input type="number" min={1} max={50} {...register('overlap', number)} {...invalid('overlap')} />
          {problem('overlap')}
        </label>
        <label>
          Lease (minutes a trainer holds a comparison)
          <input type="number" min={1} max={1440} {...register('leaseMinutes', number)} {...invalid('leaseMinutes')} />
          {problem('leaseMinutes')}
        </label>
      </div>
      <label className="toggle">
        <input type="checkbox" {...register('allowTies')} />
        Allow ties
      </label>
      <div className="row">
        <label>
          Gold rate (share of a trainer’s comparisons that are gold items, 0–0.5)
          <input type="number" min={0} max={0.5} step={0.05} {...register('goldRate', number)} {...invalid('goldRate')} />
          {problem('goldRate')}
        </label>
        <label className="toggle">
          <input type="checkbox" {...register('leaderboard')} />
          Show trainers a leaderboard
        </label>
      </div>

      <fieldset>
        <legend>Ratings asked per answer</legend>
        {ratings.fields.map((field, i) => (
          <div className="row editable" key={field.id}>
            <label>
              Key
              <input {...register(`ratings.${i}.key`)} {...invalid(`ratings.${i}.key`)} />
              {problem(`ratings.${i}.key`)}
            </label>
            <label className="grow">
              Question
              <input {...register(`ratings.${i}.label`)} {...invalid(`ratings.${i}.label`)} />
              {problem(`ratings.${i}.label`)}
            </label>
            <label>
              From
              <input type="number" {...register(`ratings.${i}.min`, number)} {...invalid(`ratings.${i}.min`)} />
              {problem(`ratings.${i}.min`)}
            </label>
            <label>
              Low end label
              <input {...register(`ratings.${i}.minLabel`)} placeholder="Terrible" {...invalid(`ratings.${i}.minLabel`)} />
              {problem(`ratings.${i}.minLabel`)}
            </label>
            <label>
              To
              <input type="number" {...register(`ratings.${i}.max`, number)} {...invalid(`ratings.${i}.max`)} />
              {problem(`ratings.${i}.max`)}
            </label>
            <label>
              High end label
              <input {...register(`ratings.${i}.maxLabel`)} placeholder="Excellent" {...invalid(`ratings.${i}.maxLabel`)} />
              {problem(`ratings.${i}.maxLabel`)}
            </label>
            <label className="toggle">
              <input type="checkbox" {...register(`ratings.${i}.required`)} />
              Required
            </label>
            <button type="button" className="link" onClick={() => ratings.remove(i)} aria-label={`Remove rating ${values.ratings[i]?.label || i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        {problem('ratings')}
        <div className="actions start">
          <button
            type="button"
            onClick={() =>
              ratings.append({ key: `rating_${ratings.fields.length + 1}`, label: '', min: 1, max: 7, minLabel: '', maxLabel: '', required: false })
            }
          >
            Add a rating
          </button>
        </div>
      </fieldset>

      <fieldset>
        <legend>Flags a trainer may tick per answer</legend>
        {flags.fields.map((field, i) => (
          <div className="row editable" key={field.id}>
            <label>
              Key
              <input {...register(`flags.${i}.key`)} {...invalid(`flags.${i}.key`)} />
              {problem(`flags.${i}.key`)}
            </label>
            <label className="grow">
              Label
              <input {...register(`flags.${i}.label`)} {...invalid(`flags.${i}.label`)} />
              {problem(`flags.${i}.label`)}
            </label>
            <button type="button" className="link" onClick={() => flags.remove(i)} aria-label={`Remove flag ${values.flags[i]?.label || i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        {problem('flags')}
        <div className="actions start">
          <button type="button" onClick={() => flags.append({ key: `flag_${flags.fields.length + 1}`, label: '' })}>
            Add a flag
          </button>
          <button
            type="button"
            onClick={() => {
              ratings.replace(defaultRatings);
              flags.replace(defaultFlags);
            }}
          >
            Use InstructGPT’s defaults
          </button>
        </div>
      </fieldset>

      <fieldset>
        <legend>Model (optional: for sampled candidates, suggestions and chats)</legend>
        <p className="muted">
          Any OpenAI-compatible Chat Completions server: vLLM (<code>http://host:8000/v1</code>), Ollama (<code>http://host:11434/v1</code>), llama.cpp server (
          <code>http://host:8080/v1</code>) or a hosted API. Leave both empty for no model. Saving new settings checks that the model answers.
        </p>
        <div className="row">
          <label>
            Base URL
            <input {...register('modelEndpoint.baseUrl')} placeholder="http://localhost:8000/v1" {...invalid('modelEndpoint.baseUrl')} />
            {problem('modelEndpoint.baseUrl')}
          </label>
          <label>
            Model name
            <input {...register('modelEndpoint.model')} placeholder="meta-llama/Llama-3.1-8B-Instruct" {...invalid('modelEndpoint.model')} />
            {problem('modelEndpoint.model')}
          </label>
        </div>
        <div className="row">
          <label>
            API key {project?.modelEndpoint?.apiKeySet ? '(one is stored; type to replace it)' : '(if the server needs one)'}
            <input type="password" autoComplete="off" {...register('modelEndpoint.apiKey')} {...invalid('modelEndpoint.apiKey')} />
            {problem('modelEndpoint.apiKey')}
          </label>
          {project?.modelEndpoint?.apiKeySet && (
            <label className="toggle">
              <input type="checkbox" {...register('removeKey')} disabled={!!values.modelEndpoint.apiKey} />
              Remove the stored key
            </label>
          )}
        </div>
        {problem('modelEndpoint')}
        <div className="row">
          <label>
            Temperature
            <input type="number" step={0.1} min={0} max={2} {...register('sampling.temperature', number)} {...invalid('sampling.temperature')} />
            {problem('sampling.temperature')}
          </label>
          <label>
            top_p
            <input type="number" step={0.05} min={0} max={1} {...register('sampling.topP', number)} {...invalid('sampling.topP')} />
            {problem('sampling.topP')}
          </label>
          <label>
            Max tokens
            <input type="number" min={1} {...register('sampling.maxTokens', number)} {...invalid('sampling.maxTokens')} />
            {problem('sampling.maxTokens')}
          </label>
          <label>
            Candidates (K)
            <input type="number" min={2} max={9} {...register('sampling.k', number)} {...invalid('sampling.k')} />
            {problem('sampling.k')}
          </label>
        </div>
        {(project?.hasModel || created) && <ModelConnectionTest slug={project?.slug ?? created!.slug} test={connection} />}
      </fieldset>

      {Object.keys(problems).length > 0 && (
        <p role="alert" className="error">
          Please fix the fields marked above.
        </p>
      )}
      {root?.server && (
        <p role="alert" className="error">
          {root.server.message}
        </p>
      )}
      {saved && !isDirty && (
        <p role="status" className="success">
          Saved.
        </p>
      )}
      <div className="actions start">
        {created ? (
          <button type="button" className="primary" onClick={() => onSaved?.(created)}>
            Continue
          </button>
        ) : (
          <button type="submit" className="primary">
            {project ? 'Save settings' : 'Create project'}
          </button>
        )}
      </div>
    </form>
  );
}
