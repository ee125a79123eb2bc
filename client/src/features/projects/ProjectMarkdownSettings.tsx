import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { MarkdownSettingsProvider } from '../../components/Markdown.tsx';
import { useProject } from './api/get-project.ts';

/**
 * Around the pages of one project (its `:slug` route): every Markdown on them follows the
 * project's settings. The project is the one query those pages read anyway.
 */
export function ProjectMarkdownSettings({ children }: { children: ReactNode }) {
  const { slug = '' } = useParams();
  const { data: project } = useProject(slug);
  return <MarkdownSettingsProvider singleDollarMath={project?.singleDollarMath ?? false}>{children}</MarkdownSettingsProvider>;
}
