import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ProjectSummary } from '#shared/projects.ts';
import { dialogueProblems } from '#shared/conversations.ts';
import { submitDemonstrationSchema, type DemonstrationMessage } from '#shared/demonstrations.ts';
import { describeIssues } from '#shared/validation.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { errorMessage } from '../../lib/api.ts';
import { fetchProject } from '../../lib/projects.ts';
import { useSession } from '../auth/session.tsx';
import { fetchNextPrompt, streamSuggestion, submitDemonstration } from './api.ts';
import './demonstrations.css';

type Turn = DemonstrationMessage & { key: number };
interface Draft {
  system: string;
  turns: Turn[];
  promptId?: string;
  /** How many turns at the start came from the project prompt (they stay as they are). */
  fixed: number;
}
/** The model's name is known to researchers only; the server fills it in for trainers. */
type Suggestion = { state: 'streaming' | 'ready'; content: string; model?: string };

const emptyDraft: Draft = { system: '', turns: [], fixed: 0 };
let nextKey = Date.now();
const storageKey = (user: string, slug: string) => `ordinal:demonstration:${user}:${slug}`;

/** Write a dialogue playing both sides, with model suggestions to accept, edit or discard. */
export function DemonstrationPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [draft, setDraft] = useState<Draft>(() => {
    try {
      return (JSON.parse(localStorage.getItem(storageKey(user.username, slug)) ?? 'null') as Draft | null) ?? emptyDraft;
    } catch {
      return emptyDraft;
    }
  });
  const [composer, setComposer] = useState('');
  const [composerSuggestion, setComposerSuggestion] = useState<{ content: string; model?: string } | null>(null);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [previewing, setPreviewing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    fetchProject(slug).then(setProject, (e) => setError(errorMessage(e)));
  }, [slug]);
  useEffect(() => {
    localStorage.setItem(storageKey(user.username, slug), JSON.stringify(draft));
  }, [draft, user.username, slug]);

  const messages = (d: Draft): DemonstrationMessage[] => [
    ...(d.system.trim() ? [{ role: 'system' as const, content: d.system.trim() }] : []),
    ...d.turns.map(({ key: _key, ...m }) => m),
  ];
  const nextRole: 'user' | 'assistant' = draft.turns.length % 2 === 0 ? 'user' : 'assistant';
  const hasModel = project?.hasModel === true;
  const update = (change: (d: Draft) => Draft) => {
    setSaved(null);
    setDraft(change);
  };

  const startFromPrompt = async () => {
    setError(null);
    try {
      const prompt = await fetchNextPrompt(slug);
      if (!prompt) {
        setError('There are no more project prompts for you: start with your own first message.');
        return;
      }
      const system = prompt.messages[0]?.role === 'system' ? prompt.messages[0].content : '';
      const turns = prompt.messages.filter((m) => m.role !== 'system').map((m) => ({ ...m, key: nextKey++ }));
      update(() => ({ system, turns, promptId: prompt.id, fixed: turns.length }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const add = () => {
    if (!composer.trim()) return;
    const turn: Turn = { key: nextKey++, role: nextRole, content: composer.trim(), ...(composerSuggestion ? { suggestion: composerSuggestion } : {}) };
    update((d) => ({ ...d, turns: [...d.turns, turn] }));
    setComposer('');
    setComposerSuggestion(null);
  };

  const suggest = async () => {
    setError(null);
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setSuggestion({ state: 'streaming', content: '' });
    try {
      const context = messages(draft).map(({ role, content }) => ({ role, content }));
      const done = await streamSuggestion(slug, context, nextRole, (text) => setSuggestion((s) => s && { ...s, content: s.content + text }), controller.signal);
      setSuggestion({ state: 'ready', content: done.content, model: done.model });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError(errorMessage(e));
      setSuggestion(null);
    }
  };

  const accept = (s: Suggestion) => {
    update((d) => ({ ...d, turns: [...d.turns, { key: nextKey++, role: nextRole, content: s.content, suggestion: { content: s.content, ...(s.model ? { model: s.model } : {}) } }] }));
    setSuggestion(null);
  };
  const editSuggestion = (s: Suggestion) => {
    setComposer(s.content);
    setComposerSuggestion({ content: s.content, ...(s.model ? { model: s.model } : {}) });
    setSuggestion(null);
  };

  const move = (index: number, by: number) =>
    update((d) => {
      const turns = [...d.turns];
      const [turn] = turns.splice(index, 1);
      turns.splice(index + by, 0, turn!);
      return { ...d, turns };
    });

  const submit = async () => {
    setError(null);
    const body = { messages: messages(draft), ...(draft.promptId ? { promptId: draft.promptId } : {}) };
    const parsed = submitDemonstrationSchema.safeParse(body);
    if (!parsed.success) {
      setError(describeIssues(parsed.error));
      return;
    }
    try {
      await submitDemonstration(slug, parsed.data);
      setDraft(emptyDraft);
      setSaved('Demonstration saved. Thank you! Start another below.');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (!project) return <main className="page">{error ? <p role="alert" className="error">{error}</p> : <p className="muted">Loading…</p>}</main>;
  const problems = draft.turns.length ? dialogueProblems(messages(draft), { mustEnd: 'assistant' }).map((p) => `${p.path.join('.')}: ${p.message}`) : [];
  return (
    <main className="page demonstration">
      <p><Link to="/">Projects</Link> / {project.name}</p>
      <h1>Write a demonstration</h1>
      <p className="muted">Write a whole conversation, playing both the user and the assistant. Write the assistant’s turns as the ideal answer.</p>
      {!hasModel && <p className="notice-inline">Suggestions need a model, and this project has none: a researcher can set one in the project’s settings. You can still write everything yourself.</p>}
      {saved && <p role="status" className="success">{saved}</p>}

      {draft.turns.length === 0 && (
        <div className="actions start">
          <button type="button" onClick={() => void startFromPrompt()}>Start from a project prompt</button>
        </div>
      )}

      <details className="system-editor" open={draft.system !== ''}>
        <summary>System prompt (optional)</summary>
        <textarea aria-label="System prompt" rows={3} value={draft.system} readOnly={draft.fixed > 0} onChange={(e) => update((d) => ({ ...d, system: e.target.value }))} />
      </details>

      <ol className="turns">
        {draft.turns.map((turn, i) => (
          <li key={turn.key} className={`turn ${turn.role}`} aria-label={`Turn ${i + 1}, ${turn.role}`}>
            <div className="turn-head">
              <strong>{turn.role === 'user' ? 'User' : 'Assistant'}</strong>
              {turn.suggestion && <span className="badge">{turn.content === turn.suggestion.content ? 'suggestion' : 'edited suggestion'}</span>}
              {i < draft.fixed && <span className="badge">project prompt</span>}
              <span className="spacer" />
              <button type="button" className="link" onClick={() => setPreviewing(previewing === turn.key ? null : turn.key)}>{previewing === turn.key ? 'Edit' : 'Preview'}</button>
              {i >= draft.fixed && (
                <>
                  <button type="button" className="link" disabled={i <= draft.fixed} onClick={() => move(i, -1)} aria-label={`Move turn ${i + 1} up`}>↑</button>
                  <button type="button" className="link" disabled={i === draft.turns.length - 1} onClick={() => move(i, 1)} aria-label={`Move turn ${i + 1} down`}>↓</button>
                  <button type="button" className="link" onClick={() => update((d) => ({ ...d, turns: d.turns.filter((t) => t.key !== turn.key) }))} aria-label={`Delete turn ${i + 1}`}>Delete</button>
                </>
              )}
            </div>
            {previewing === turn.key ? (
              <Markdown text={turn.content} />
            ) : (
              <textarea
                aria-label={`Turn ${i + 1} (${turn.role})`}
                rows={Math.min(12, Math.max(2, turn.content.split('\n').length))}
                value={turn.content}
                readOnly={i < draft.fixed}
                onChange={(e) => update((d) => ({ ...d, turns: d.turns.map((t) => (t.key === turn.key ? { ...t, content: e.target.value } : t)) }))}
              />
            )}
          </li>
        ))}
      </ol>
      {problems.length > 0 && <p className="field-error">{problems.join('; ')}</p>}

      <section className="composer" aria-label="Next turn">
        <label>
          Next: {nextRole === 'user' ? 'the user' : 'the assistant'}
          <textarea
            rows={4}
            value={composer}
            onChange={(e) => setComposer(e.target.value)}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            placeholder={nextRole === 'user' ? 'What does the user say?' : 'The ideal assistant answer (Markdown)'}
          />
        </label>
        {composerSuggestion && <p className="muted">Editing a suggestion{composerSuggestion.model ? ` from ${composerSuggestion.model}` : ''}.</p>}
        <div className="actions start">
          <button type="button" onClick={add} disabled={!composer.trim()}>Add {nextRole} turn</button>
          <button type="button" onClick={() => void suggest()} disabled={!hasModel || suggestion?.state === 'streaming'} title={hasModel ? undefined : 'Needs a model'}>
            {suggestion?.state === 'streaming' ? 'Suggesting…' : `Suggest the ${nextRole}’s message`}
          </button>
        </div>
        {suggestion && (
          <div className="suggestion" aria-live="polite" aria-label="Suggestion">
            <Markdown text={suggestion.content || '…'} />
            {suggestion.state === 'ready' && (
              <div className="actions start">
                <button type="button" className="primary" onClick={() => accept(suggestion)}>Accept</button>
                <button type="button" onClick={() => editSuggestion(suggestion)}>Edit</button>
                <button type="button" onClick={() => setSuggestion(null)}>Discard</button>
              </div>
            )}
            {suggestion.state === 'streaming' && (
              <button type="button" className="link" onClick={() => abort.current?.abort()}>Stop</button>
            )}
          </div>
        )}
      </section>

      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        {draft.turns.length > 0 && <button type="button" onClick={() => update(() => emptyDraft)}>Discard the whole dialogue</button>}
        <button type="button" className="primary" onClick={() => void submit()} disabled={draft.turns.length < 2}>Submit demonstration</button>
      </div>
    </main>
  );
}
