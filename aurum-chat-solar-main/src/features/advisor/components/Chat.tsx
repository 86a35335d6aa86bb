import { useEffect, useRef } from 'react';
import { Link } from 'wouter';

import { NetworkError, userMessage } from '../../../api/errors';
import { ProblemBanner } from '../../../components/ProblemBanner';
import { trackOnce } from '../../../lib/analytics';
import { textLink } from '../../../components/ui/styles';
import { chatFrame } from '../chat-frame';
import { MAX_MESSAGE_LENGTH, useChat, type ChatController } from '../use-chat';
import { ChatHeader, type ConnectionTone } from './ChatHeader';
import { ChatOutcome } from './ChatOutcome';
import { Composer } from './Composer';
import { QuickReplies } from './QuickReplies';
import { Transcript } from './Transcript';

function connectionTone(chat: ChatController): ConnectionTone {
  if (chat.isLoading || (chat.loadError && chat.isReconnecting)) return 'connecting';
  if (chat.loadError || chat.problem?.offline) return 'offline';
  if (chat.pendingText !== null) return 'replying';
  if (chat.session && chat.session.state.status !== 'active') return 'ended';
  return 'ready';
}

/** The chat with the solar advisor: transcript, suggested replies, message box. */
export function Chat() {
  const chat = useChat();
  const { session, problem } = chat;
  const composer = useRef<HTMLTextAreaElement>(null);
  const outcomeHeading = useRef<HTMLHeadingElement>(null);
  const focusComposerWhenReady = useRef(false);
  const status = session?.state.status;
  const active = status === undefined || status === 'active';

  // A turn that ends the chat takes the message box away: move focus to what replaced it.
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === 'active' && status && status !== 'active') {
      outcomeHeading.current?.focus();
    }
    previousStatus.current = status;
  }, [status]);

  // After "Start over" or reconnecting, the new chat's message box gets focus.
  useEffect(() => {
    if (session && focusComposerWhenReady.current) {
      focusComposerWhenReady.current = false;
      composer.current?.focus();
    }
  }, [session]);

  function focusComposer() {
    composer.current?.focus();
  }

  function startOver() {
    focusComposerWhenReady.current = true;
    void chat.startOver();
  }

  const hasUserMessages = session?.messages.some((message) => message.role === 'user') ?? false;

  // The funnel's steps, once per chat (whether a contact detail was given, never which).
  const chatId = session?.id;
  const state = session?.state;
  const hasEstimate = Boolean(state?.estimate);
  const gaveContact = Boolean(state?.slots.email) || Boolean(state?.slots.phone);
  const consented = Boolean(state?.lead_id);
  useEffect(() => {
    if (!chatId) return;
    if (hasUserMessages) trackOnce('chat_started', chatId);
    if (hasEstimate) trackOnce('estimate_shown', chatId);
    if (gaveContact) trackOnce('contact_given', chatId);
    if (consented) trackOnce('consented', chatId);
  }, [chatId, hasUserMessages, hasEstimate, gaveContact, consented]);

  return (
    <div className={chatFrame}>
      <ChatHeader
        tone={connectionTone(chat)}
        // Once the chat is over, its closing panel offers a new chat instead.
        onStartOver={session && active && chat.pendingText === null ? startOver : undefined}
        confirmStartOver={active && hasUserMessages}
      />

      {/* Completed replies are read out here, once each, rather than chunk by chunk. */}
      <div aria-live="polite" className="sr-only">
        {chat.announcement}
      </div>

      {session ? (
        <Transcript
          messages={session.messages}
          estimate={session.state.estimate}
          pendingText={chat.pendingText}
          streamed={chat.streamed}
          notice={
            session.replacedExpired
              ? 'Your earlier chat is no longer available, so we started a new one.'
              : null
          }
        />
      ) : (
        <div className="flex-1 p-4">
          {chat.isLoading && (
            <p role="status" className="text-ink-muted">
              Starting the chat…
            </p>
          )}
        </div>
      )}

      {chat.loadError && !session && (
        <ProblemBanner
          className="mx-3 mt-3"
          message={
            chat.loadError instanceof NetworkError
              ? 'We could not reach Aurum Solar right now. Check your internet connection, then try again. Anything you type below is kept.'
              : userMessage(chat.loadError)
          }
          actionLabel="Try again"
          busyLabel={chat.isReconnecting ? 'Connecting…' : null}
          onAction={() => {
            focusComposerWhenReady.current = true;
            void chat.reconnect();
          }}
        />
      )}

      {problem && (
        <ProblemBanner
          key={`${problem.text}:${problem.message}`}
          className="mx-3 mt-3"
          message={problem.message}
          actionLabel={problem.action === 'start-over' ? 'Start a new chat' : 'Try again'}
          waitSeconds={problem.waitSeconds}
          busyLabel={chat.checking ? 'Checking…' : null}
          onAction={() => {
            if (problem.action === 'start-over') {
              startOver();
              return;
            }
            void chat.retry().then(focusComposer);
          }}
        />
      )}

      {session && !active ? (
        <ChatOutcome state={session.state} headingRef={outcomeHeading} onStartOver={startOver} />
      ) : (
        <>
          {session && chat.pendingText === null && (
            <QuickReplies
              replies={session.state.quick_replies}
              emphasizeFirst={session.state.awaiting === 'consent'}
              onPick={(reply) => {
                // The buttons go away while the reply loads: keep focus in the chat.
                focusComposer();
                void chat.sendQuickReply(reply);
              }}
            />
          )}
          <Composer
            inputRef={composer}
            value={chat.draft}
            onChange={chat.setDraft}
            onSend={() => {
              focusComposer();
              void chat.sendDraft();
            }}
            busy={chat.pendingText !== null}
            canSend={Boolean(session)}
            maxLength={MAX_MESSAGE_LENGTH}
          />
        </>
      )}

      <p className="border-t border-aurum-100 px-4 py-2 text-sm text-ink-muted">
        Prefer a form?{' '}
        <Link href="/get-quote" className={textLink}>
          Request quotes with the form
        </Link>
      </p>
    </div>
  );
}
