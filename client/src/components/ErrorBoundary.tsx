import { Component, type ReactNode } from 'react';

/**
 * Catches a page that fails to render or to load (a lazily loaded page whose file is gone after an
 * upgrade, say) and says so in plain words instead of leaving a blank screen.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="page">
        <p role="alert" className="error">
          This page could not be shown ({this.state.error.message}). Ordinal may have been updated: reload the page. Your ranking drafts are kept.
        </p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}
