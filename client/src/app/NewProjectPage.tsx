import { Link, useNavigate } from 'react-router';
import { ProjectForm } from '../features/projects/ProjectForm.tsx';

export function NewProjectPage() {
  const navigate = useNavigate();
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
