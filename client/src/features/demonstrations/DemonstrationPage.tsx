import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Dialog } from '../../components/Dialog.tsx';
import { PageLoading } from '../../components/PageLoading.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { Composer } from './components/Composer.tsx';
import { TurnList } from './components/TurnList.tsx';
import { compose, setSystem } from './draft.ts';
import { useDemonstrationEditor } from './hooks/use-demonstration-editor.ts';
import './demonstrations.css';

/** Write a dialogue playing both sides, with model suggestions to accept, edit or discard. */
export function DemonstrationPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const project = useProject(slug);
  const editor = useDemonstrationEditor(slug, user.username);
  const { draft, update } = editor;
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  useDocumentTitle('Demonstration', project.data?.name);

  if (!project.data) return <PageLoading error={project.error} />;
  const hasModel = project.data.hasModel === true;
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

      <Composer
        role={editor.role}
        composing={draft.composing ?? { text: '' }}
        onChange={(composing) => update((d) => compose(d, composing))}
        onAdd={editor.add}
        hasModel={hasModel}
        suggestion={editor.suggestion}
      />

      {editor.error && (
        <p role="alert" className="error">
          {editor.error}
        </p>
      )}
      <div className="actions">
        {editor.begun && (
          <button type="button" onClick={() => setConfirmDiscard(true)}>
            Discard the whole dialogue
          </button>
        )}
        <button type="button" className="primary" onClick={editor.submit} disabled={!editor.begun}>
          Submit demonstration
        </button>
      </div>
      {confirmDiscard && (
        <Dialog title="Discard the whole dialogue?" onClose={() => setConfirmDiscard(false)}>
          <p>Every turn of this dialogue, and the message you are writing, will be deleted. This cannot be undone.</p>
          <div className="actions">
            <button type="button" onClick={() => setConfirmDiscard(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => {
                setConfirmDiscard(false);
                editor.discard();
              }}
              data-autofocus
            >
              Discard it
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
