import { Link, useNavigate } from 'react-router';
import { ProjectForm } from '../features/projects/ProjectForm.tsx';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export function NewProjectPage() {
  const navigate = useNavigate();
  useDocumentTitle('New project');
  return (
    <main className="page">
      <p>
        <Link to="/">Projects</Link> /
      </p>
      <h1>New project</h1>
      <ProjectForm onSaved={(project) => navigate(`/projects/${project.slug}/import`)} />
    </main>
  );
}
