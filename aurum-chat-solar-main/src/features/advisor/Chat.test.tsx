import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ChatMessage, ConversationState } from '../../api/types';
import {
  assistantMessage,
  chatState,
  CONSENT_DISCLOSURE,
  CONSENT_VERSION,
  CONVERSATION_ID,
  CONVERSATION_TOKEN,
  ESTIMATE_SUMMARY,
  GREETING,
  OPENING,
  PHOENIX_ESTIMATE,
  userMessage,
} from '../../test/fixtures';
import {
  controlledSseResponse,
  describeRequest,
  jsonResponse,
  networkFailure,
  renderApp,
  sseResponse,
  stubFetch,
  type SseEventSpec,
} from '../../test/utils';
import { CONVERSATION_STORAGE_KEY } from './conversation-storage';

const START = 'POST /api/v1/conversations';
const RESUME = `GET /api/v1/conversations/${CONVERSATION_ID}`;
const SEND = `POST /api/v1/conversations/${CONVERSATION_ID}/messages`;

type Handler = (request: Request) => Response | Promise<Response>;

/** Stubs the API by "METHOD /path"; a request nobody expected fails the test. */
function stubApi(routes: Record<string, Handler | Handler[]>) {
  const queues = new Map(
    Object.entries(routes).map(([route, handler]) => [route, [handler].flat()]),
  );
  return stubFetch(async (request) => {
    const route = describeRequest(request);
    const queue = queues.get(route);
    if (!queue || queue.length === 0) throw new Error(`Unexpected request: ${route}`);
    // Each handler answers one request; the last one answers all the rest.
    const handler = queue.length > 1 ? queue.shift() : queue[0];
    if (!handler) throw new Error(`Unexpected request: ${route}`);
    return handler(request);
  });
}

const started = () => jsonResponse(OPENING, 201);

/** A streamed turn as the API sends it: deltas of four words, then the state, then done. */
function streamedTurn(messages: ChatMessage[], state: ConversationState): Response {
  const deltas: SseEventSpec[] = messages.flatMap((message, index) => {
    const words = message.content.split(' ');
    const chunks: SseEventSpec[] = [];
    for (let start = 0; start < words.length; start += 4) {
      const more = start + 4 < words.length ? ' ' : '';
      chunks.push({
        event: 'delta',
        data: { index, text: words.slice(start, start + 4).join(' ') + more },
      });
    }
    return chunks;
  });
  return sseResponse([
    ...deltas,
    { event: 'state', data: { messages, state } },
    { event: 'done', data: {} },
  ]);
}

const ownerQuestion = assistantMessage('Do you own the home, or rent it?', 'question', {}, 3);
const ownerState = chatState({
  awaiting: 'homeowner',
  slots: { zip_code: '85004' },
  quick_replies: ['I own it', 'I rent'],
});

async function findComposer() {
  return screen.findByRole('textbox', { name: 'Your message to the advisor' });
}

function liveRegion(): HTMLElement {
  const region = document.querySelector('[aria-live="polite"]');
  if (!(region instanceof HTMLElement)) throw new Error('no polite live region');
  return region;
}

function conversation() {
  return screen.getByRole('list', { name: 'Conversation' });
}

/**
 * Finds text in the transcript. (A finished reply is also in the screen-reader
 * announcement, so a page-wide query would find it twice.)
 */
async function findInChat(text: string | RegExp) {
  const list = await screen.findByRole('list', { name: 'Conversation' });
  return within(list).findByText(text);
}

describe('the advisor chat on the home page', () => {
  it('starts a conversation on a first visit and remembers it for a reload', async () => {
    const fetchMock = stubApi({ [START]: started });

    renderApp('/?utm_source=newsletter&utm_campaign=spring');

    expect(await findInChat(GREETING)).toBeInTheDocument();
    expect(
      screen.getByText("What's the ZIP code of the home you're thinking about solar for?"),
    ).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Your solar advisor' })).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    const request = fetchMock.mock.calls[0]?.[0];
    expect(await request?.json()).toEqual({
      source: 'home',
      language: 'en',
      utm_source: 'newsletter',
      utm_campaign: 'spring',
    });
    expect(JSON.parse(localStorage.getItem(CONVERSATION_STORAGE_KEY) ?? '')).toEqual({
      id: CONVERSATION_ID,
      token: CONVERSATION_TOKEN,
    });
  });

  it('streams the reply into the transcript and announces it only once complete', async () => {
    const stream = controlledSseResponse();
    const fetchMock = stubApi({ [START]: started, [SEND]: () => stream.response });
    const { user } = renderApp('/');
    const composer = await findComposer();

    await user.type(composer, '85004{Enter}');

    // The message shows at once; the box empties, stays focused and waits for the reply.
    expect(within(conversation()).getByText('85004')).toBeInTheDocument();
    expect(composer).toHaveValue('');
    expect(composer).toHaveFocus();
    expect(composer).toHaveAttribute('readonly');
    expect(screen.getByText('The advisor is replying…')).toBeInTheDocument();

    await waitFor(() => {
      expect(fetchMock).toHaveBeenCalledTimes(2);
    });
    const request = fetchMock.mock.calls[1]?.[0];
    expect(request?.headers.get('Accept')).toBe('text/event-stream');
    expect(request?.headers.get('X-Conversation-Token')).toBe(CONVERSATION_TOKEN);
    expect(await request?.json()).toEqual({ content: '85004' });

    act(() => {
      stream.send([{ event: 'delta', data: { index: 0, text: 'Do you own ' } }]);
    });
    expect(await findInChat('Do you own')).toBeInTheDocument();
    expect(liveRegion()).toHaveTextContent('');

    act(() => {
      stream.send([
        { event: 'delta', data: { index: 0, text: 'the home, or rent it?' } },
        { event: 'state', data: { messages: [ownerQuestion], state: ownerState } },
        { event: 'done', data: {} },
      ]);
      stream.close();
    });

    await waitFor(() => {
      expect(liveRegion()).toHaveTextContent('Do you own the home, or rent it?');
    });
    expect(within(conversation()).getAllByText('Do you own the home, or rent it?')).toHaveLength(1);
    expect(composer).not.toHaveAttribute('readonly');
    await waitFor(() => {
      expect(composer).toHaveFocus();
    });
    expect(screen.getByRole('button', { name: 'I own it' })).toBeInTheDocument();
  });

  it('sends a suggested reply when it is clicked', async () => {
    const billQuestion = assistantMessage(
      'About how much is your electric bill in a typical month?',
      'question',
      {},
      5,
    );
    const sent: string[] = [];
    stubApi({
      [START]: started,
      [SEND]: [
        () => streamedTurn([ownerQuestion], ownerState),
        async (request) => {
          sent.push(((await request.json()) as { content: string }).content);
          return streamedTurn(
            [billQuestion],
            chatState({ awaiting: 'monthly_bill', quick_replies: ['$100-$200', '$200-$300'] }),
          );
        },
      ],
    });
    const { user } = renderApp('/');
    await user.type(await findComposer(), '85004{Enter}');

    await user.click(await screen.findByRole('button', { name: 'I own it' }));

    expect(await findInChat(billQuestion.content)).toBeInTheDocument();
    expect(sent).toEqual(['I own it']);
    expect(within(conversation()).getByText('I own it')).toBeInTheDocument();
    const suggestions = screen.getByRole('group', { name: 'Suggested replies' });
    expect(
      within(suggestions)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['$100-$200', '$200-$300']);
    expect(screen.queryByRole('button', { name: 'I own it' })).not.toBeInTheDocument();
    const composer = await findComposer();
    await waitFor(() => {
      expect(composer).toHaveFocus();
    });
  });

  it('shows the estimate card when the conversation has an estimate', async () => {
    stubApi({
      [START]: started,
      [SEND]: () =>
        streamedTurn(
          [
            assistantMessage(ESTIMATE_SUMMARY, 'estimate', { estimate: PHOENIX_ESTIMATE }, 3),
            assistantMessage('What is the roof made of?', 'question', {}, 4),
          ],
          chatState({ awaiting: 'roof_type', estimate: PHOENIX_ESTIMATE }),
        ),
    });
    const { user } = renderApp('/');

    await user.type(
      await findComposer(),
      'we own a house in 85004 and pay about $210 a month{Enter}',
    );

    const card = await screen.findByRole('article', { name: 'Your solar estimate' });
    expect(within(card).getByText('9.03 kW')).toBeInTheDocument();
    expect(within(card).getByText('21 panels')).toBeInTheDocument();
    expect(within(card).getByRole('img', { name: /solar production by month/i })).toBeVisible();
    expect(within(conversation()).getByText(ESTIMATE_SUMMARY)).toBeInTheDocument();
    expect(screen.getByText('What is the roof made of?')).toBeInTheDocument();
  });

  it('shows the consent disclosure exactly, then thanks the homeowner once they agree', async () => {
    const consent = assistantMessage(`${CONSENT_DISCLOSURE} Do you agree?`, 'consent', {
      disclosure: CONSENT_DISCLOSURE,
      disclosure_version: CONSENT_VERSION,
    });
    const leadId = 'ba565bc1-6ec7-44d5-b0c3-531228f40c52';
    const sent: string[] = [];
    stubApi({
      [START]: started,
      [SEND]: [
        () =>
          streamedTurn(
            [consent],
            chatState({ awaiting: 'consent', quick_replies: ['I agree', 'No thanks'] }),
          ),
        async (request) => {
          sent.push(((await request.json()) as { content: string }).content);
          return streamedTurn(
            [
              assistantMessage(
                "Thank you, Jane! You're all set. Up to 3 local installers may contact you at (602) 555-0142 or jane.doe@example.com to confirm the details and give you a firm quote. Your estimate stays on this page.",
                'closing',
              ),
            ],
            chatState({
              status: 'completed',
              awaiting: null,
              completed: true,
              lead_id: leadId,
            }),
          );
        },
      ],
    });
    const { user } = renderApp('/');
    await user.type(await findComposer(), '(602) 555-0142{Enter}');

    const disclosure = await screen.findByText(CONSENT_DISCLOSURE);
    expect(disclosure.textContent).toBe(CONSENT_DISCLOSURE);
    expect(screen.getByText('Do you agree?')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'No thanks' })).toBeInTheDocument();
    // What happens to the details is a link away, at the step that shares them.
    expect(screen.getByRole('link', { name: 'privacy policy' })).toHaveAttribute(
      'href',
      '/privacy',
    );
    expect(screen.getByRole('link', { name: 'terms of use' })).toHaveAttribute('href', '/terms');

    await user.click(screen.getByRole('button', { name: 'I agree' }));

    const thanks = await screen.findByRole('heading', { name: "Thank you, you're all set" });
    expect(sent).toEqual(['I agree']);
    await waitFor(() => {
      expect(thanks).toHaveFocus();
    });
    expect(screen.getByText(`Reference: ${leadId}`)).toBeInTheDocument();
    expect(screen.getByText('Chat ended')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start a new chat' })).toBeInTheDocument();
  });

  it('closes politely when the chat ends without a request for quotes', async () => {
    stubApi({
      [START]: started,
      [SEND]: () =>
        streamedTurn(
          [
            assistantMessage(
              "Understood: I won't share your details with anyone. Your estimate stays on this page, and you can start a new chat any time if you change your mind.",
              'closing',
            ),
          ],
          chatState({ status: 'ended', awaiting: null, completed: true }),
        ),
    });
    const { user } = renderApp('/');

    await user.type(await findComposer(), 'no thanks{Enter}');

    const ended = await screen.findByRole('heading', { name: 'This chat has ended' });
    await waitFor(() => {
      expect(ended).toHaveFocus();
    });
    expect(screen.getByText(/nothing has been passed to any installer/i)).toBeInTheDocument();
  });

  it('resumes the chat saved in this browser after a reload', async () => {
    localStorage.setItem(
      CONVERSATION_STORAGE_KEY,
      JSON.stringify({ id: CONVERSATION_ID, token: CONVERSATION_TOKEN }),
    );
    const fetchMock = stubApi({
      [RESUME]: () =>
        jsonResponse({
          id: CONVERSATION_ID,
          created_at: '2026-11-25T20:34:28Z',
          messages: [...OPENING.messages, userMessage('85004', 2), ownerQuestion],
          state: ownerState,
        }),
    });

    renderApp('/');

    expect(await findInChat('Do you own the home, or rent it?')).toBeInTheDocument();
    expect(within(conversation()).getByText('85004')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'I own it' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0]?.[0].headers.get('X-Conversation-Token')).toBe(
      CONVERSATION_TOKEN,
    );
  });

  it('starts a new chat when the saved one no longer exists', async () => {
    localStorage.setItem(
      CONVERSATION_STORAGE_KEY,
      JSON.stringify({ id: CONVERSATION_ID, token: 'an-old-token' }),
    );
    stubApi({
      [RESUME]: () =>
        jsonResponse(
          {
            error: {
              code: 'conversation_not_found',
              message: 'No conversation with this id and token.',
            },
          },
          404,
        ),
      [START]: started,
    });

    renderApp('/');

    expect(await findInChat(GREETING)).toBeInTheDocument();
    expect(screen.getByText(/earlier chat is no longer available/i)).toBeInTheDocument();
    expect(localStorage.getItem(CONVERSATION_STORAGE_KEY)).toContain(CONVERSATION_TOKEN);
  });

  it('says when the API is unreachable, keeps what was typed, and recovers on retry', async () => {
    let apiIsUp = false;
    stubApi({ [START]: () => (apiIsUp ? started() : networkFailure()) });
    const { user } = renderApp('/');

    expect(await screen.findByRole('alert')).toHaveTextContent(/could not reach aurum solar/i);
    expect(screen.getByText('Offline')).toBeInTheDocument();
    const composer = await findComposer();
    await user.type(composer, 'We pay about $200 a month');
    await user.keyboard('{Enter}');
    expect(composer).toHaveValue('We pay about $200 a month');

    apiIsUp = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await findInChat(GREETING)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(composer).toHaveValue('We pay about $200 a month');
    await waitFor(() => {
      expect(composer).toHaveFocus();
    });
  });

  it('puts an unanswered message back in the box and sends it once on retry', async () => {
    let apiIsUp = false;
    const sent: string[] = [];
    stubApi({
      [START]: started,
      [SEND]: async (request) => {
        if (!apiIsUp) return networkFailure();
        sent.push(((await request.json()) as { content: string }).content);
        return streamedTurn([ownerQuestion], ownerState);
      },
      // Before resending, the chat checks the message did not arrive after all.
      [RESUME]: () =>
        jsonResponse({
          id: CONVERSATION_ID,
          created_at: '2026-11-25T20:34:28Z',
          messages: OPENING.messages,
          state: OPENING.state,
        }),
    });
    const { user } = renderApp('/');
    const composer = await findComposer();

    await user.type(composer, '85004{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent(/could not reach aurum solar/i);
    expect(composer).toHaveValue('85004');
    await waitFor(() => {
      expect(composer).toHaveFocus();
    });
    expect(screen.getByText('Offline')).toBeInTheDocument();

    apiIsUp = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await findInChat('Do you own the home, or rent it?')).toBeInTheDocument();
    expect(sent).toEqual(['85004']);
    expect(composer).toHaveValue('');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('does not send a message twice when the dropped stream had saved it', async () => {
    const stream = controlledSseResponse();
    const fetchMock = stubApi({
      [START]: started,
      [SEND]: () => stream.response,
      [RESUME]: () =>
        jsonResponse({
          id: CONVERSATION_ID,
          created_at: '2026-11-25T20:34:28Z',
          messages: [...OPENING.messages, userMessage('85004', 2), ownerQuestion],
          state: ownerState,
        }),
    });
    const { user } = renderApp('/');
    await user.type(await findComposer(), '85004{Enter}');

    act(() => {
      stream.send([{ event: 'delta', data: { index: 0, text: 'Do you own ' } }]);
      stream.fail();
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(/connection dropped/i);

    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await findInChat('Do you own the home, or rent it?')).toBeInTheDocument();
    expect(fetchMock.mock.calls.map(([request]) => describeRequest(request))).toEqual([
      START,
      SEND,
      RESUME,
    ]);
    expect(await findComposer()).toHaveValue('');
  });

  it('falls back to a plain JSON request when streaming gets no response', async () => {
    const accepts: (string | null)[] = [];
    stubApi({
      [START]: started,
      [SEND]: [
        (request) => {
          accepts.push(request.headers.get('Accept'));
          return networkFailure();
        },
        (request) => {
          accepts.push(request.headers.get('Accept'));
          return jsonResponse({ messages: [ownerQuestion], state: ownerState });
        },
      ],
    });
    const { user } = renderApp('/');

    await user.type(await findComposer(), '85004{Enter}');

    expect(await findInChat('Do you own the home, or rent it?')).toBeInTheDocument();
    expect(accepts).toEqual(['text/event-stream', 'application/json']);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('asks the homeowner to wait when the API limits the rate', async () => {
    stubApi({
      [START]: started,
      [SEND]: () =>
        jsonResponse({ error: { code: 'rate_limited', message: 'Too many requests.' } }, 429, {
          'Retry-After': '7',
        }),
    });
    const { user } = renderApp('/');

    await user.type(await findComposer(), '85004{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent('Please wait 7 seconds');
    expect(screen.getByRole('button', { name: 'Try again (7 s)' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    expect(await findComposer()).toHaveValue('85004');
  });

  it('shows the error a stream reports instead of a reply', async () => {
    stubApi({
      [START]: started,
      [SEND]: () =>
        sseResponse([
          {
            event: 'error',
            data: {
              error: {
                code: 'turn_failed',
                message: 'The advisor could not reply; please try again.',
                details: null,
              },
            },
          },
          { event: 'done', data: {} },
        ]),
    });
    const { user } = renderApp('/');

    await user.type(await findComposer(), '85004{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The advisor could not reply; please try again.',
    );
    expect(await findComposer()).toHaveValue('85004');
  });

  it('starts over after asking, with a new conversation', async () => {
    const fetchMock = stubApi({
      [START]: started,
      [SEND]: () => streamedTurn([ownerQuestion], ownerState),
    });
    const { user } = renderApp('/');
    await user.type(await findComposer(), '85004{Enter}');
    await findInChat('Do you own the home, or rent it?');

    await user.click(screen.getByRole('button', { name: 'Start over' }));
    const confirm = screen.getByRole('button', { name: 'Yes, start over' });
    expect(confirm).toHaveFocus();
    await user.click(confirm);

    await waitFor(() => {
      expect(screen.queryByRole('button', { name: 'I own it' })).not.toBeInTheDocument();
    });
    expect(await findInChat(GREETING)).toBeInTheDocument();
    expect(fetchMock.mock.calls.map(([request]) => describeRequest(request))).toEqual([
      START,
      SEND,
      START,
    ]);
    await waitFor(async () => {
      expect(await findComposer()).toHaveFocus();
    });
  });

  it('keeps line breaks with Shift+Enter and counts characters near the limit', async () => {
    stubApi({ [START]: started });
    const { user } = renderApp('/');
    const composer = await findComposer();

    await user.type(composer, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(composer).toHaveValue('first line\nsecond line');
    expect(screen.queryByText(/characters/)).not.toBeInTheDocument();

    await user.clear(composer);
    await user.click(composer);
    await user.paste('a'.repeat(1850));
    expect(screen.getByText('1,850 of 2,000 characters')).toBeInTheDocument();
    expect(composer).toHaveAttribute('maxlength', '2000');
  });

  it('renders what anyone typed as text, never as HTML', async () => {
    const typed = '<img src=x onerror="alert(1)"> <b>bold</b>';
    stubApi({
      [START]: started,
      [SEND]: () => streamedTurn([assistantMessage(`You said ${typed}`, 'hint')], ownerState),
    });
    const { user } = renderApp('/');

    await user.type(await findComposer(), `${typed}{Enter}`);

    expect(await findInChat(`You said ${typed}`)).toBeInTheDocument();
    expect(within(conversation()).getByText(typed)).toBeInTheDocument();
    expect(document.querySelector('main img, main b')).toBeNull();
  });
});
