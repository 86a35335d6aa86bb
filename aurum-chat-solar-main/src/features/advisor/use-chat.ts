import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useSearch } from 'wouter';

import { ApiError } from '../../api/errors';
import type { ChatMessage, Turn } from '../../api/types';
import { readUtm } from '../../lib/utm';
import {
  fetchConversation,
  sendMessage,
  startConversation,
  type ConversationSession,
} from './conversation-api';
import {
  clearStoredConversation,
  readStoredConversation,
  storeConversation,
  type StoredConversation,
} from './conversation-storage';
import { describeSendFailure, type SendProblem } from './send-problem';

export const MAX_MESSAGE_LENGTH = 2000;

export const conversationQueryKey = ['advisor', 'conversation'] as const;

export interface LoadedConversation extends ConversationSession {
  /** The chat this browser had saved no longer exists, so this one is new. */
  replacedExpired: boolean;
}

/**
 * Resumes the chat saved in this browser, or starts one (and saves it), tagged with the
 * campaign in the page's query string (`?utm_source=...`).
 */
export async function loadConversation(search: string): Promise<LoadedConversation> {
  const stored = readStoredConversation();
  if (stored) {
    try {
      return { ...(await fetchConversation(stored)), replacedExpired: false };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      clearStoredConversation();
    }
  }
  const created = await startConversation({
    source: 'home',
    language: 'en',
    ...readUtm(search),
  });
  storeConversation(created);
  return { ...created, replacedExpired: stored !== null };
}

/**
 * The transcript after a turn: the homeowner's message (the API returns only the
 * advisor's new messages; a reload brings the stored copy), then the advisor's replies.
 */
export function withTurn<Session extends ConversationSession>(
  session: Session,
  text: string,
  turn: Turn,
): Session {
  const lastSeq = session.messages.at(-1)?.seq ?? -1;
  const userSeq = (turn.messages[0]?.seq ?? lastSeq + 2) - 1;
  const userMessage: ChatMessage = {
    id: `local-${String(userSeq)}`,
    seq: userSeq,
    role: 'user',
    content: text,
    kind: 'text',
    meta: {},
    created_at: new Date().toISOString(),
  };
  return {
    ...session,
    messages: [...session.messages, userMessage, ...turn.messages],
    state: turn.state,
  };
}

/** What a screen reader hears once a turn is complete: the advisor's new messages. */
function spoken(messages: ChatMessage[]): string {
  return messages
    .filter((message) => message.role === 'assistant')
    .map((message) => message.content)
    .join('\n\n');
}

interface TurnVariables {
  conversation: StoredConversation;
  text: string;
}

/** Everything the chat needs: the conversation (server state), the turn in flight, the draft. */
export function useChat() {
  const queryClient = useQueryClient();
  const search = useSearch();
  const conversation = useQuery({
    queryKey: conversationQueryKey,
    queryFn: () => loadConversation(search),
    // One chat per page visit; it changes only through turns, which update this cache.
    staleTime: Infinity,
    gcTime: Infinity,
  });
  const [draft, setDraft] = useState('');
  /** The streamed text of the advisor's replies to the turn in flight, by message index. */
  const [streamed, setStreamed] = useState<string[]>([]);
  const [problem, setProblem] = useState<SendProblem | null>(null);
  const [checking, setChecking] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const inFlight = useRef(false);

  const turn = useMutation({
    mutationFn: ({ conversation: target, text }: TurnVariables) =>
      sendMessage(target, text, (index, chunk) => {
        setStreamed((current) => {
          const next = Array.from(
            { length: Math.max(current.length, index + 1) },
            (_, i) => current[i] ?? '',
          );
          next[index] = (next[index] ?? '') + chunk;
          return next;
        });
      }),
  });

  const session = conversation.data;

  function saveTurn(target: ConversationSession, text: string, result: Turn): void {
    queryClient.setQueryData<LoadedConversation>(conversationQueryKey, (current) =>
      current?.id === target.id ? withTurn(current, text, result) : current,
    );
    setAnnouncement(spoken(result.messages));
  }

  async function deliver(text: string, restoreDraft: boolean): Promise<boolean> {
    if (!session || inFlight.current) return false;
    inFlight.current = true;
    setProblem(null);
    setStreamed([]);
    try {
      const result = await turn.mutateAsync({ conversation: session, text });
      saveTurn(session, text, result);
      setDraft((current) => (current === text ? '' : current));
      return true;
    } catch (error) {
      setProblem(describeSendFailure(error, text));
      // Never lose what the homeowner typed: it goes back into the empty box.
      if (restoreDraft) setDraft((current) => current || text);
      return false;
    } finally {
      setStreamed([]);
      inFlight.current = false;
    }
  }

  /** Sends the draft. Resolves to whether the advisor answered. */
  function sendDraft(): Promise<boolean> {
    const text = draft.trim();
    if (!text || !session || inFlight.current) return Promise.resolve(false);
    setDraft('');
    return deliver(text, true);
  }

  function sendQuickReply(reply: string): Promise<boolean> {
    return deliver(reply, false);
  }

  async function startOver(): Promise<void> {
    clearStoredConversation();
    setProblem(null);
    setAnnouncement('');
    turn.reset();
    await queryClient.resetQueries({ queryKey: conversationQueryKey, exact: true });
  }

  /**
   * Sends the unanswered message again. When the API may have saved the turn anyway (the
   * connection dropped, or it was still busy), the transcript is checked first so the
   * message is never sent twice.
   */
  async function retry(): Promise<boolean> {
    if (!problem || !session || inFlight.current) return false;
    const { text, mayHaveArrived } = problem;
    if (mayHaveArrived) {
      setChecking(true);
      try {
        const latest = await fetchConversation(session);
        if (latest.messages.length > session.messages.length) {
          queryClient.setQueryData<LoadedConversation>(conversationQueryKey, (current) =>
            current?.id === latest.id ? { ...current, ...latest } : current,
          );
          setAnnouncement(spoken(latest.messages.slice(session.messages.length)));
          setProblem(null);
          setDraft((current) => (current === text ? '' : current));
          return true;
        }
      } catch (error) {
        setProblem(describeSendFailure(error, text));
        return false;
      } finally {
        setChecking(false);
      }
    }
    return deliver(text, false);
  }

  return {
    /** The chat, once loaded (or resumed). */
    session,
    loadError: conversation.error,
    isLoading: conversation.isPending,
    isReconnecting: conversation.isFetching,
    reconnect: () => conversation.refetch(),
    /** The message being answered right now, or null. */
    pendingText: turn.isPending ? turn.variables.text : null,
    streamed,
    problem,
    dismissProblem: () => {
      setProblem(null);
    },
    checking,
    announcement,
    draft,
    setDraft,
    sendDraft,
    sendQuickReply,
    retry,
    startOver,
  };
}

export type ChatController = ReturnType<typeof useChat>;
