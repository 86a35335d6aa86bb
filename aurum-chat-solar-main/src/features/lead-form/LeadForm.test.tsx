import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { LeadReceipt } from '../../api/types';
import { CONSENT_DISCLOSURE, CONSENT_VERSION, PHOENIX_ESTIMATE } from '../../test/fixtures';
import { QUOTE_THANKS_KEY } from './thanks-storage';
import {
  describeRequest,
  jsonResponse,
  networkFailure,
  renderApp,
  stubFetch,
} from '../../test/utils';

const DISCLOSURE = 'GET /api/v1/leads/consent-disclosure';
const CREATE = 'POST /api/v1/leads';
const ESTIMATE = 'POST /api/v1/solar/estimate';

const RECEIPT: LeadReceipt = {
  id: 'ba565bc1-6ec7-44d5-b0c3-531228f40c52',
  received_at: '2026-11-25T20:34:52.616311Z',
  qualified: true,
  estimate: PHOENIX_ESTIMATE,
};

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * The disclosure endpoint answers normally, the estimate with Phoenix's (or `estimate`);
 * each lead submission gets the next handler.
 */
function stubLeadApi(...submissions: Handler[]) {
  return stubLeadApiWith(() => jsonResponse(PHOENIX_ESTIMATE), ...submissions);
}

function stubLeadApiWith(estimate: Handler, ...submissions: Handler[]) {
  const sent: Request[] = [];
  const estimates: Request[] = [];
  const fetchMock = stubFetch(async (request) => {
    const route = describeRequest(request);
    if (route === DISCLOSURE) {
      return jsonResponse({ text: CONSENT_DISCLOSURE, version: CONSENT_VERSION });
    }
    if (route === ESTIMATE) {
      estimates.push(request.clone());
      return estimate(request);
    }
    if (route !== CREATE) throw new Error(`Unexpected request: ${route}`);
    sent.push(request.clone());
    const handler = submissions[sent.length - 1] ?? submissions.at(-1);
    if (!handler) throw new Error('No lead submission expected');
    return handler(request);
  });
  return { fetchMock, sent, estimates };
}

async function fillHomeStep(user: UserEvent) {
  await user.type(screen.getByRole('textbox', { name: 'ZIP code' }), '85004');
  await user.click(screen.getByRole('radio', { name: 'Yes, I own it' }));
  await user.selectOptions(
    screen.getByRole('combobox', { name: 'Type of home' }),
    'Single-family house',
  );
  await user.selectOptions(
    screen.getByRole('combobox', { name: 'What the roof is made of' }),
    'Asphalt shingle',
  );
  await user.click(screen.getByRole('radio', { name: 'No shade' }));
  await user.type(screen.getByRole('textbox', { name: 'Typical monthly electricity bill' }), '210');
  await user.selectOptions(
    screen.getByRole('combobox', { name: 'When would you like solar installed?' }),
    'As soon as possible',
  );
  await user.selectOptions(
    screen.getByRole('combobox', { name: 'Your credit score, roughly' }),
    'Excellent (720 or higher)',
  );
}

async function fillContactStep(user: UserEvent) {
  await user.type(screen.getByRole('textbox', { name: 'First name' }), 'Jane');
  await user.type(screen.getByRole('textbox', { name: 'Last name' }), 'Doe');
  await user.type(screen.getByRole('textbox', { name: 'Email' }), 'jane.doe@example.com');
  await user.type(screen.getByRole('textbox', { name: 'Phone' }), '(602) 555-0142');
  await user.click(
    await screen.findByRole('checkbox', {
      name: 'I agree to be contacted about solar as described above',
    }),
  );
}

function submitButton() {
  return screen.getByRole('button', { name: 'Send my request for quotes' });
}

/** Step 1 answered, the estimate shown, on to the contact step. */
async function reachContactStep(user: UserEvent) {
  await fillHomeStep(user);
  await user.click(screen.getByRole('button', { name: 'See my estimate' }));
  await screen.findByRole('article', { name: 'Your solar estimate' });
  await user.click(screen.getByRole('button', { name: 'Continue to get quotes' }));
  await screen.findByRole('textbox', { name: 'First name' });
}

async function fillValidForm(user: UserEvent) {
  await reachContactStep(user);
  await fillContactStep(user);
}

async function openForm() {
  const view = renderApp('/get-quote');
  await screen.findByRole('heading', { level: 1, name: 'Get solar quotes for your home' });
  return view;
}

describe('the lead form at /get-quote', () => {
  it("lets the homeowner choose how many installers may call, and sends that choice's version", async () => {
    const one = { max_buyers: 1, text: 'Only one installer may contact you.', version: 'v-one' };
    const three = { max_buyers: 3, text: CONSENT_DISCLOSURE, version: CONSENT_VERSION };
    const sent: Request[] = [];
    stubFetch((request) => Promise.resolve(answer(request)));
    function answer(request: Request): Response {
      const route = describeRequest(request);
      if (route === DISCLOSURE) {
        return jsonResponse({
          text: CONSENT_DISCLOSURE,
          version: CONSENT_VERSION,
          max_buyers: 3,
          choices: [one, three],
        });
      }
      if (route === ESTIMATE) return jsonResponse(PHOENIX_ESTIMATE);
      if (route !== CREATE) throw new Error(`Unexpected request: ${route}`);
      sent.push(request.clone());
      return jsonResponse(RECEIPT, 201);
    }
    const { user } = await openForm();
    await fillValidForm(user);
    const group = screen.getByRole('group', { name: 'How many installers may contact you?' });
    expect(within(group).getByRole('radio', { name: 'Up to 3 installers' })).toBeChecked();
    await user.click(within(group).getByRole('radio', { name: 'Only 1 installer' }));
    // The agreement was to the other text: it must be given again for this one.
    const checkbox = screen.getByRole('checkbox', { name: /I agree to be contacted/ });
    expect(checkbox).not.toBeChecked();
    expect(checkbox).toHaveAccessibleDescription(one.text);
    await user.click(checkbox);
    await user.click(submitButton());
    await screen.findByRole('heading', { level: 1, name: 'Thank you, Jane: your request is in' });
    expect(((await sent[0]?.json()) as { consent_version: string }).consent_version).toBe('v-one');
  });

  it('asks about the home first, and shows the consent text by its checkbox at the last step', async () => {
    stubLeadApi();
    const { user } = await openForm();

    for (const group of ['Your home', 'Your energy use and plans']) {
      expect(screen.getByRole('region', { name: group })).toBeInTheDocument();
    }
    expect(screen.queryByRole('textbox', { name: 'Email' })).not.toBeInTheDocument();
    const steps = screen.getByRole('list', { name: 'Steps' });
    expect(within(steps).getAllByRole('listitem')[0]).toHaveAttribute('aria-current', 'step');
    expect(screen.getByRole('textbox', { name: 'ZIP code' })).toHaveAccessibleDescription(
      '5 digits, like 85004',
    );

    await reachContactStep(user);

    expect(screen.getByRole('region', { name: 'How installers can reach you' })).toBeVisible();
    const checkbox = await screen.findByRole('checkbox', {
      name: 'I agree to be contacted about solar as described above',
    });
    expect(checkbox).toHaveAccessibleDescription(CONSENT_DISCLOSURE);
    expect(screen.getByText(CONSENT_DISCLOSURE).textContent).toBe(CONSENT_DISCLOSURE);
    expect(screen.getByRole('link', { name: 'privacy policy' })).toHaveAttribute(
      'href',
      '/privacy',
    );
    expect(within(steps).getAllByRole('listitem')[2]).toHaveAttribute('aria-current', 'step');
  });

  it('shows the estimate before asking for contact details, and keeps the answers', async () => {
    const { estimates } = stubLeadApi();
    const { user } = await openForm();
    await fillHomeStep(user);

    await user.click(screen.getByRole('button', { name: 'See my estimate' }));

    const card = await screen.findByRole('article', { name: 'Your solar estimate' });
    expect(within(card).getByText('9.03 kW')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'First name' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    // Focus moves to the new step's heading.
    await waitFor(() => {
      expect(screen.getByRole('heading', { name: 'Step 2 of 3: Your estimate' })).toHaveFocus();
    });
    expect(await estimates[0]?.json()).toEqual({
      zip_code: '85004',
      monthly_bill: 210,
      shade: 'none',
    });

    await user.click(screen.getByRole('button', { name: 'Change my answers' }));
    expect(screen.getByRole('textbox', { name: 'ZIP code' })).toHaveValue('85004');
    await user.click(screen.getByRole('button', { name: 'See my estimate' }));
    await screen.findByRole('article', { name: 'Your solar estimate' });
    // Same answers, same estimate: not asked for again.
    expect(estimates).toHaveLength(1);
  });

  it('checks the answers of each step before going on and says what to fix', async () => {
    const { fetchMock } = stubLeadApi();
    const { user } = await openForm();

    await user.click(screen.getByRole('button', { name: 'See my estimate' }));

    const summary = screen.getByRole('region', { name: 'There are 8 problems' });
    expect(summary).toHaveFocus();
    expect(
      within(summary).getByRole('link', { name: 'Enter the ZIP code of the home' }),
    ).toHaveAttribute('href', '#lead-zip-code');
    const zip = screen.getByRole('textbox', { name: 'ZIP code' });
    expect(zip).toHaveAttribute('aria-invalid', 'true');
    expect(zip).toHaveAccessibleDescription(/Enter the ZIP code of the home/);

    await user.click(within(summary).getByRole('link', { name: 'Enter the ZIP code of the home' }));
    expect(zip).toHaveFocus();

    await fillHomeStep(user);
    const bill = screen.getByRole('textbox', { name: 'Typical monthly electricity bill' });
    await user.clear(bill);
    await user.type(bill, '6000');
    // Fixed fields clear their errors as they change.
    expect(zip).not.toHaveAttribute('aria-invalid');
    await user.click(screen.getByRole('button', { name: 'See my estimate' }));
    const billProblem = screen.getByRole('region', { name: 'There is a problem' });
    expect(within(billProblem).getByText('Enter an amount of $3,000 or less')).toBeInTheDocument();

    await user.clear(bill);
    await user.type(bill, '210');
    await user.click(screen.getByRole('button', { name: 'See my estimate' }));
    await user.click(await screen.findByRole('button', { name: 'Continue to get quotes' }));
    await screen.findByRole('checkbox');
    await user.click(submitButton());

    const contact = screen.getByRole('region', { name: 'There are 5 problems' });
    expect(contact).toHaveFocus();
    await fillContactStep(user);
    const phone = screen.getByRole('textbox', { name: 'Phone' });
    await user.clear(phone);
    await user.type(phone, '(123) 555-0142');
    await user.click(submitButton());

    const again = screen.getByRole('region', { name: 'There is a problem' });
    expect(again).toHaveFocus();
    expect(
      within(again).getByText('Enter a US phone number like (602) 555-0142'),
    ).toBeInTheDocument();
    expect(fetchMock.mock.calls.map(([request]) => describeRequest(request))).toEqual([
      DISCLOSURE,
      ESTIMATE,
    ]);
  });

  it('shows what the API refused on the fields it names', async () => {
    stubLeadApi(() =>
      jsonResponse(
        {
          error: {
            code: 'validation_error',
            message:
              'Invalid email: Value error, enter a valid email address, like jane@example.com',
            details: [
              {
                field: 'email',
                location: 'body',
                message: 'Value error, enter a valid email address, like jane@example.com',
                type: 'value_error',
              },
              {
                field: 'last_name',
                location: 'body',
                message: "String should match pattern '^[^\\W\\d_]...'",
                type: 'string_pattern_mismatch',
              },
            ],
          },
        },
        422,
      ),
    );
    const { user } = await openForm();
    await fillValidForm(user);

    await user.click(submitButton());

    const summary = await screen.findByRole('region', { name: 'There are 2 problems' });
    await waitFor(() => {
      expect(summary).toHaveFocus();
    });
    expect(screen.getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription(
      /Enter a valid email address, like jane@example.com/,
    );
    expect(screen.getByRole('textbox', { name: 'Last name' })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.getByRole('textbox', { name: 'Email' })).toHaveValue('jane.doe@example.com');
  });

  it('puts an unknown ZIP code on the ZIP field, before any contact details', async () => {
    stubLeadApiWith(() =>
      jsonResponse(
        {
          error: {
            code: 'unknown_zip',
            message: "'00000' is not a ZIP code in the 50 US states or DC.",
            details: { zip_code: '00000' },
          },
        },
        422,
      ),
    );
    const { user } = await openForm();
    await fillHomeStep(user);

    await user.click(screen.getByRole('button', { name: 'See my estimate' }));

    expect(await screen.findByRole('link', { name: /could not find this ZIP code/ })).toBeVisible();
    expect(screen.getByRole('textbox', { name: 'ZIP code' })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.queryByRole('article', { name: 'Your solar estimate' })).not.toBeInTheDocument();
  });

  it('reloads a changed consent text and asks for agreement again', async () => {
    const { fetchMock } = stubLeadApi(() =>
      jsonResponse(
        { error: { code: 'consent_outdated', message: 'The consent text has changed.' } },
        422,
      ),
    );
    const { user } = await openForm();
    await fillValidForm(user);

    await user.click(submitButton());

    expect(await screen.findByRole('link', { name: /consent text changed/ })).toBeVisible();
    expect(screen.getByRole('checkbox')).not.toBeChecked();
    await waitFor(() => {
      expect(
        fetchMock.mock.calls.filter(([request]) => describeRequest(request) === DISCLOSURE),
      ).toHaveLength(2);
    });
  });

  it('keeps the answers after a network failure and retries with the same Idempotency-Key', async () => {
    const { sent } = stubLeadApi(networkFailure, () => jsonResponse(RECEIPT, 201));
    const { user } = await openForm();
    await fillValidForm(user);

    await user.click(submitButton());

    expect(await screen.findByRole('alert')).toHaveTextContent(
      /could not reach Aurum Solar, so your request has not been sent yet/,
    );
    expect(screen.getByRole('textbox', { name: 'First name' })).toHaveValue('Jane');

    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { level: 1, name: /Thank you, Jane/ })).toBeVisible();
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map((request) => request.headers.get('Idempotency-Key'));
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toBe(first);
    expect(await sent[1]?.json()).toEqual(await sent[0]?.json());
  });

  it('uses a new Idempotency-Key once the answers change', async () => {
    const { sent } = stubLeadApi(networkFailure, () => jsonResponse(RECEIPT, 201));
    const { user } = await openForm();
    await fillValidForm(user);
    await user.click(submitButton());
    await screen.findByRole('alert');

    await user.type(screen.getByRole('textbox', { name: /^Street address/ }), '1 Main St');
    await user.click(submitButton());

    await screen.findByRole('heading', { level: 1, name: /Thank you, Jane/ });
    const [first, second] = sent.map((request) => request.headers.get('Idempotency-Key'));
    expect(second).not.toBe(first);
  });

  it('shows the estimate and what happens next once the request is in', async () => {
    const { sent } = stubLeadApi(() => jsonResponse(RECEIPT, 201));
    const { user, history } = await openForm();
    await fillValidForm(user);

    await user.click(submitButton());

    const heading = await screen.findByRole('heading', {
      level: 1,
      name: 'Thank you, Jane: your request is in',
    });
    // Focus moves in an effect, which may run after the heading is on screen.
    await waitFor(() => {
      expect(heading).toHaveFocus();
    });
    expect(screen.getByRole('heading', { name: 'What happens next' })).toBeVisible();
    const card = screen.getByRole('article', { name: 'Your solar estimate' });
    expect(within(card).getByText('9.03 kW')).toBeInTheDocument();
    expect(await sent[0]?.json()).toEqual({
      zip_code: '85004',
      homeowner: true,
      property_type: 'single_family',
      monthly_bill: 210,
      roof_type: 'asphalt_shingle',
      shade: 'none',
      credit_band: 'excellent',
      timeline: 'asap',
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@example.com',
      phone: '(602) 555-0142',
      consent: true,
      consent_version: CONSENT_VERSION,
    });
    expect(history.at(-1)).toBe('/get-quote/thank-you');

    // Only the receipt is kept for a reload: nothing of the person.
    const stored = sessionStorage.getItem(QUOTE_THANKS_KEY) ?? '';
    expect(JSON.parse(stored)).toMatchObject({ receipt: { id: RECEIPT.id }, homeowner: true });
    for (const personal of ['Jane', 'Doe', 'jane.doe@example.com', '555-0142', '5550142']) {
      expect(stored).not.toContain(personal);
    }

    // A reload of the thank-you page: the same reference and estimate, without the name.
    cleanup();
    renderApp('/get-quote/thank-you');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Thank you: your request is in' }),
    ).toBeInTheDocument();
    expect(screen.getByText(new RegExp(`Reference: ${RECEIPT.id}`))).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Your solar estimate' })).toBeInTheDocument();
  });

  it('says so on the thank-you page when this tab sent nothing', async () => {
    renderApp('/get-quote/thank-you');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Nothing to show here' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Request quotes with the form' })).toHaveAttribute(
      'href',
      '/get-quote',
    );
  });

  it('explains kindly when solar cannot help', async () => {
    stubLeadApi(() => jsonResponse({ ...RECEIPT, qualified: false }, 201));
    const { user } = await openForm();
    await fillHomeStep(user);
    await user.click(screen.getByRole('radio', { name: 'No, I rent' }));
    await user.click(screen.getByRole('button', { name: 'See my estimate' }));
    await user.click(await screen.findByRole('button', { name: 'Continue to get quotes' }));
    await screen.findByRole('textbox', { name: 'First name' });
    await fillContactStep(user);

    await user.click(submitButton());

    const heading = await screen.findByRole('heading', { level: 1, name: 'Thanks, Jane' });
    await waitFor(() => {
      expect(heading).toHaveFocus();
    });
    expect(screen.getByText(/nobody will call you/)).toBeInTheDocument();
    expect(screen.getByText(/property owner’s say-so/)).toBeInTheDocument();
    expect(screen.queryByRole('article', { name: 'Your solar estimate' })).not.toBeInTheDocument();
  });
});
