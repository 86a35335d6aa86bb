import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { OPENING } from './test/fixtures';
import { describeRequest, jsonResponse, renderApp, stubFetch } from './test/utils';

/** The home page starts a chat; the lead form loads the consent text. */
function stubApi() {
  return stubFetch((request) => {
    const route = describeRequest(request);
    if (route === 'POST /api/v1/conversations') return Promise.resolve(jsonResponse(OPENING, 201));
    if (route === 'GET /api/v1/leads/consent-disclosure') {
      return Promise.resolve(jsonResponse({ text: 'Consent text.', version: 'v'.repeat(64) }));
    }
    return Promise.reject(new Error(`Unexpected request: ${route}`));
  });
}

describe('App routes', () => {
  it('renders the home page at /: the chat with the advisor, then how it works', async () => {
    stubApi();

    renderApp('/');

    expect(
      screen.getByRole('heading', { level: 1, name: 'Find out what solar would save you' }),
    ).toBeInTheDocument();
    const advisor = screen.getByRole('region', { name: 'Your solar advisor' });
    // A skeleton holds the chat's place while its code loads.
    expect(within(advisor).getByRole('status')).toHaveTextContent('Loading the advisor…');
    expect(screen.getByRole('region', { name: 'How it works' })).toBeInTheDocument();
    expect(
      await within(advisor).findByRole('textbox', { name: 'Your message to the advisor' }),
    ).toBeInTheDocument();
    expect(document.title).toMatch(/Aurum Solar/);
  });

  it('links to the lead form from the header and from the chat', async () => {
    stubApi();
    const { user, history } = renderApp('/');
    const headerLink = within(screen.getByRole('banner')).getByRole('link', {
      name: 'Quote form',
    });
    expect(headerLink).toHaveAttribute('href', '/get-quote');
    const chatLink = await screen.findByRole('link', { name: 'Request quotes with the form' });
    expect(chatLink).toHaveAttribute('href', '/get-quote');

    await user.click(headerLink);

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Get solar quotes for your home' }),
    ).toBeInTheDocument();
    expect(history.at(-1)).toBe('/get-quote');
    // The title is set by an effect, which may run after the heading is on screen.
    await waitFor(() => {
      expect(document.title).toMatch(/^Get solar quotes · /);
    });
    expect(headerLink).toHaveAttribute('aria-current', 'page');
  });

  it('renders the 404 page for an unknown route, inside the layout', async () => {
    renderApp('/no-such-page');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Page not found' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('banner')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
    await waitFor(() => {
      expect(document.title).toMatch(/^Page not found · /);
    });
    expect(
      screen.queryByRole('heading', { name: 'Find out what solar would save you' }),
    ).not.toBeInTheDocument();
  });

  it('takes the homeowner from the 404 page back home and moves focus to the content', async () => {
    stubApi();
    const { user, history } = renderApp('/old-offer');

    await user.click(await screen.findByRole('link', { name: 'Go to the home page' }));

    expect(
      screen.getByRole('heading', { level: 1, name: 'Find out what solar would save you' }),
    ).toBeInTheDocument();
    expect(history.at(-1)).toBe('/');
    expect(screen.getByRole('main')).toHaveFocus();
    await screen.findByRole('textbox', { name: 'Your message to the advisor' });
  });
});
