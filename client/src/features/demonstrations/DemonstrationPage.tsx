import { Link, useParams } from 'react-router';
import { dialogueProblems } from '#shared/conversations.ts';
import { errorMessage } from '../../lib/api.ts';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { Composer } from './components/Composer.tsx';
import { TurnList } from './components/TurnList.tsx';
import { emptyDraft, messagesOf, setSystem } from './draft.ts';
import { useDemonstrationEditor } from './hooks/use-demonstration-editor.ts';
import './demonstrations.css';

/** Write a dialogue playing both sides, with model suggestions to accept, edit or discard. */
export function DemonstrationPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const project = useProject(slug);
  const editor = useDemonstrationEditor(slug, user.username);
  const { draft, update } = editor;

  if (!project.data) {
    return (
      <main className="page">
        {project.error ? (
          <p role="alert" className="error">
            {errorMessage(project.error)}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }
  const hasModel = project.data.hasModel === true;
  const problems = draft.turns.length ? dialogueProblems(messagesOf(draft), { mustEnd: 'assistant' }).map((p) => `${p.path.join('.')}: ${p.message}`) : [];
  return (
    <main className="page demonstration">
      <p>
        <Link to="/">Projects</Link> / {project.data.name}
      </p>
      <h1>Write a demonstration</h1>
      <p className="muted">Write a whole conversation, playing both the user and the assistant. Write the assistant’s turns as the ideal answer.</p>
      {!hasModel && (
        <p className="notice-inline">
          Suggestions need a model, and this project has none: a researcher can set one in the project’s settings. You can still write everything yourself.
        </p>
      )}
      {editor.saved && (
        <p role="status" className="success">
          {editor.saved}
        </p>
      )}

      {draft.turns.length === 0 && (
        <div className="actions start">
          <button type="button" onClick={editor.startFromPrompt}>
            Start from a project prompt
          </button>
        </div>
      )}

      <details className="system-editor" open={draft.system !== ''}>
        <summary>System prompt (optional)</summary>
        <textarea
          aria-label="System prompt"
          rows={3}
          value={draft.system}
          readOnly={draft.fixed > 0}
          onChange={(e) => update((d) => setSystem(d, e.target.value))}
        />
      </details>

      <TurnList draft={draft} update={update} />
      {problems.length > 0 && <p className="field-error">{problems.join('; ')}</p>}

      <Composer role={editor.role} onAdd={editor.add} hasModel={hasModel} suggestion={editor.suggestion} />

      {editor.error && (
        <p role="alert" className="error">
          {editor.error}
        </p>
      )}
      <div className="actions">
        {draft.turns.length > 0 && (
          <button type="button" onClick={() => update(() => emptyDraft)}>
            Discard the whole dialogue
          </button>
        )}
        <button type="button" className="primary" onClick={editor.submit} disabled={draft.turns.length < 2}>
          Submit demonstration
        </button>
      </div>
    </main>
  );
}
