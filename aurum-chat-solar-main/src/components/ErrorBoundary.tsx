import { Component, type ErrorInfo, type ReactNode } from 'react';

import { pageContainer, primaryAction } from './ui/styles';

interface Props {
  children: ReactNode;
}

interface State {
  failed: boolean;
}

/**
 * Catches a page that throws while rendering, or whose code fails to download (a lazy
 * chunk that a newer deploy removed), and offers a reload instead of a blank screen.
 * Give it a `key` per location so moving to another page clears the failure.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Page failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div role="alert" className={`${pageContainer} py-16`}>
        <h1 className="text-2xl font-bold">This page could not be shown</h1>
        <p className="mt-3 text-ink-muted">
          Something went wrong while loading it. Reloading usually fixes this.
        </p>
        <button
          type="button"
          className={`${primaryAction} mt-6`}
          onClick={() => {
            window.location.reload();
          }}
        >
          Reload the page
        </button>
      </div>
    );
  }
}
