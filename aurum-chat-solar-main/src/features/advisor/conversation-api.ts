import { api, unwrap } from '../../api/client';
import { ApiError, isApiErrorBody, NetworkError, toApiError } from '../../api/errors';
import type { ChatMessage, ConversationCreate, ConversationState, Turn } from '../../api/types';
import { readEventStream } from '../../lib/sse';
import type { StoredConversation } from './conversation-storage';

/** A chat as this page knows it: the API's transcript and state, plus the token to continue it. */
export interface ConversationSession extends StoredConversation {
  messages: ChatMessage[];
  state: ConversationState;
}

const CONVERSATIONS = '/api/v1/conversations';
const CONVERSATION = '/api/v1/conversations/{conversation_id}';
const MESSAGES = '/api/v1/conversations/{conversation_id}/messages';

function tokenParams({ id, token }: StoredConversation) {
  return { path: { conversation_id: id }, header: { 'X-Conversation-Token': token } };
}

export async function startConversation(body: ConversationCreate): Promise<ConversationSession> {
  const created = await unwrap(api.POST(CONVERSATIONS, { body }));
  return {
    id: created.id,
    token: created.token,
    messages: created.messages,
    state: created.state,
  };
}

/** The whole transcript and state of a chat begun earlier; 404 when it no longer exists. */
export async function fetchConversation(
  conversation: StoredConversation,
): Promise<ConversationSession> {
  const found = await unwrap(api.GET(CONVERSATION, { params: tokenParams(conversation) }));
  return { ...conversation, messages: found.messages, state: found.state };
}

export async function sendMessageJson(
  conversation: StoredConversation,
  content: string,
): Promise<Turn> {
  const turn = await unwrap(
    api.POST(MESSAGES, {
      params: tokenParams(conversation),
      body: { content },
      headers: { Accept: 'application/json' },
    }),
  );
  // The 200 response is documented as JSON or an event stream; this request asked for JSON.
  return turn as Turn;
}

/**
 * The connection dropped after the API began answering, before the turn's result came
 * through. The turn may or may not have been saved: check the transcript before resending.
 */
export class StreamInterruptedError extends Error {
  override readonly name = 'StreamInterruptedError';

  constructor(options?: { cause?: unknown }) {
    super('The connection dropped while the advisor was replying.', options);
  }
}

/** `(index, text)`: the next piece of the turn's assistant message number `index`. */
export type DeltaHandler = (index: number, text: string) => void;

// A streamed `error` event has no HTTP status of its own; give the codes the chat tells
// apart the status the same failure has as a plain JSON response.
const STATUS_BY_CODE: Record<string, number> = {
  conversation_not_found: 404,
  conversation_busy: 409,
  conversation_full: 409,
  validation_error: 422,
  rate_limited: 429,
};

function streamedError(data: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    body = undefined;
  }
  if (!isApiErrorBody(body)) {
    return new ApiError(502, 'turn_failed', 'The advisor could not reply; please try again.');
  }
  const { code, message, details } = body.error;
  return new ApiError(STATUS_BY_CODE[code] ?? 500, code, message, { details });
}

function isDelta(value: unknown): value is { index: number; text: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'index' in value &&
    'text' in value &&
    typeof value.index === 'number' &&
    typeof value.text === 'string'
  );
}

/**
 * Sends the homeowner's message and streams the advisor's reply as server-sent events
 * over the POST response: `delta` pieces go to `onDelta` as they arrive, and the `state`
 * event is the turn's authoritative result. If the streaming request gets no response at
 * all, the same turn is sent once more as a plain JSON request.
 */
export async function sendMessage(
  conversation: StoredConversation,
  content: string,
  onDelta: DeltaHandler,
): Promise<Turn> {
  let result;
  try {
    result = await api.POST(MESSAGES, {
      params: tokenParams(conversation),
      body: { content },
      headers: { Accept: 'text/event-stream' },
      parseAs: 'stream',
    });
  } catch (error) {
    if (error instanceof NetworkError) return sendMessageJson(conversation, content);
    throw error;
  }

  const { data: body, error, response } = result;
  if (!response.ok) throw toApiError(response, error);
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!body || !contentType.includes('text/event-stream')) {
    // A server or proxy that ignored `Accept` and answered in JSON.
    return (await response.json()) as Turn;
  }

  const outcome: { turn?: Turn; failure?: ApiError } = {};
  try {
    await readEventStream(body, ({ event, data }) => {
      if (event === 'delta') {
        const delta: unknown = JSON.parse(data);
        if (isDelta(delta)) onDelta(delta.index, delta.text);
      } else if (event === 'state') {
        outcome.turn = JSON.parse(data) as Turn;
      } else if (event === 'error') {
        outcome.failure = streamedError(data);
      }
    });
  } catch (cause) {
    // The result arrived before the connection dropped: the turn is complete.
    if (outcome.turn) return outcome.turn;
    throw new StreamInterruptedError({ cause });
  }
  if (outcome.failure) throw outcome.failure;
  if (!outcome.turn) throw new StreamInterruptedError();
  return outcome.turn;
}
