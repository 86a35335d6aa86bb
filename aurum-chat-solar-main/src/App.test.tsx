import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderApp, stubFetch } from './test/utils';

function stubHealthyApi() {
  return stubFetch(() => Promise.resolve(jsonResponse({ status: 'ok', checks: {} })));
}

describe('App routes', () => {
  it('renders the home page at /', async () => {
    stubHealthyApi();

    renderApp('/');

    expect(
      screen.getByRole('heading', { level: 1, name: 'Find out what solar would save you' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Your solar advisor' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'How it works' })).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByRole('status', { name: 'Advisor service status' })).toHaveTextContent(
        /online/i,
      );
    });
  });

  it('renders the 404 page for an unknown route, inside the layout', async () => {
    renderApp('/no-such-page');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Page not found' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('banner')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
    expect(document.title).toMatch(/^Page not found · /);
    expect(
      screen.queryByRole('heading', { name: 'Find out what solar would save you' }),
    ).not.toBeInTheDocument();
  });

  it('takes the homeowner from the 404 page back home and moves focus to the content', async () => {
    stubHealthyApi();
    const { user, history } = renderApp('/old-offer');

    await user.click(await screen.findByRole('link', { name: 'Go to the home page' }));

    expect(
      screen.getByRole('heading', { level: 1, name: 'Find out what solar would save you' }),
    ).toBeInTheDocument();
    expect(history.at(-1)).toBe('/');
    expect(screen.getByRole('main')).toHaveFocus();
  });
});
