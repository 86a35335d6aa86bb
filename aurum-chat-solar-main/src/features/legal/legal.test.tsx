import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { config } from '../../config';
import { CONSENT_DISCLOSURE, CONSENT_VERSION } from '../../test/fixtures';
import { describeRequest, jsonResponse, renderApp, stubFetch } from '../../test/utils';
import { BROWSER_STORAGE } from './storage-keys';

function stubDisclosure() {
  return stubFetch((request) => {
    const route = describeRequest(request);
    if (route === 'GET /api/v1/leads/consent-disclosure') {
      return Promise.resolve(
        jsonResponse({
          text: CONSENT_DISCLOSURE,
          version: CONSENT_VERSION,
          max_buyers: 3,
          choices: [],
        }),
      );
    }
    return Promise.reject(new Error(`Unexpected request: ${route}`));
  });
}

describe('privacy policy and terms', () => {
  it('serves /privacy with the contact address, the storage the site uses and the installer limit', async () => {
    stubDisclosure();
    renderApp('/privacy');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Privacy policy' }),
    ).toBeInTheDocument();
    const main = screen.getByRole('main');
    expect(within(main).getAllByRole('link', { name: config.privacyEmail })[0]).toHaveAttribute(
      'href',
      `mailto:${config.privacyEmail}`,
    );
    for (const entry of BROWSER_STORAGE) expect(main).toHaveTextContent(entry.key);
    expect(main).toHaveTextContent(/Global Privacy Control or Do Not Track/);
    // The number of installers comes from the API's consent choices.
    expect(await within(main).findByText(/the number you choose, 1 to 3/)).toBeInTheDocument();
    await waitFor(() => {
      expect(document.title).toMatch(/^Privacy policy · /);
    });
  });

  it('serves /terms, which links back to the privacy policy', async () => {
    renderApp('/terms');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Terms of use' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('main')).getByRole('link', { name: 'privacy policy' }),
    ).toHaveAttribute('href', '/privacy');
  });

  it('links both from the footer of every page', async () => {
    stubDisclosure();
    const { user, history } = renderApp('/terms');
    const footer = within(screen.getByRole('contentinfo'));

    expect(footer.getByRole('link', { name: 'Terms of use' })).toHaveAttribute('href', '/terms');
    await user.click(footer.getByRole('link', { name: 'Privacy policy' }));

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Privacy policy' }),
    ).toBeInTheDocument();
    expect(history.at(-1)).toBe('/privacy');
  });
});
