import { render, screen, within } from '@testing-library/react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { describe, expect, it } from 'vitest';

import { config } from '../../config';
import { AppShell } from './AppShell';

function renderShell() {
  const { hook } = memoryLocation({ path: '/' });
  return render(
    <Router hook={hook}>
      <AppShell>
        <h1>Page content</h1>
      </AppShell>
    </Router>,
  );
}

describe('AppShell', () => {
  it('renders the header, main and footer landmarks around the page', () => {
    renderShell();

    const header = screen.getByRole('banner');
    const main = screen.getByRole('main');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
    expect(within(header).getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(within(main).getByRole('heading', { name: 'Page content' })).toBeInTheDocument();
  });

  it('shows the brand as a link home', () => {
    renderShell();

    const brand = within(screen.getByRole('banner')).getByRole('link', { name: config.appName });
    expect(brand).toHaveAttribute('href', '/');
  });

  it('starts with a skip link to the main content', () => {
    renderShell();

    const skipLink = screen.getAllByRole('link')[0];
    expect(skipLink).toHaveTextContent('Skip to main content');
    expect(skipLink).toHaveAttribute('href', '#main');
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main');
  });
});
