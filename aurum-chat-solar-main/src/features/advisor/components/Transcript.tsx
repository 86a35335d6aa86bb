import { useLayoutEffect, useRef } from 'react';

import type { ChatMessage, Estimate } from '../../../api/types';
import { EstimateCard } from '../../../components/estimate/EstimateCard';
import { Bubble } from './Bubble';
import { MessageItem } from './MessageItem';

interface TranscriptProps {
  messages: ChatMessage[];
  /** The conversation's current estimate: its card follows the latest estimate message. */
  estimate: Estimate | null;
  /** The homeowner's message being answered, if any. */
  pendingText: string | null;
  /** The advisor's replies to it so far, as they stream in. */
  streamed: string[];
  notice?: string | null | undefined;
}

/** How close to the bottom counts as "reading the latest", in pixels. */
const NEAR_BOTTOM = 80;

function TypingIndicator() {
  return (
    <div className="rounded-2xl rounded-bl-md bg-stone-100 px-4 py-3.5">
      <span className="sr-only">The advisor is replying…</span>
      <span aria-hidden="true" className="flex gap-1">
        {[0, 150, 300].map((delay) => (
          <span
            key={delay}
            className="size-2 rounded-full bg-stone-500 motion-safe:animate-bounce"
            style={{ animationDelay: `${String(delay)}ms` }}
          />
        ))}
      </span>
    </div>
  );
}

/**
 * The conversation so far. Not a live region (it changes with every streamed piece):
 * completed replies are announced by the chat's own polite live region instead.
 */
export function Transcript({ messages, estimate, pendingText, streamed, notice }: TranscriptProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const followLatest = useRef(true);
  const previousCount = useRef(0);
  const streamedLength = streamed.reduce((total, text) => total + text.length, 0);
  let lastEstimate = -1;
  messages.forEach((message, index) => {
    if (message.kind === 'estimate') lastEstimate = index;
  });

  // A message was sent, or more of the reply streamed in: keep the newest text in view,
  // unless the homeowner scrolled up to reread something.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (pendingText !== null && streamedLength === 0) followLatest.current = true;
    if (followLatest.current) element.scrollTop = element.scrollHeight;
  }, [pendingText, streamedLength]);

  // A turn finished: show its first reply from the top when the replies (an estimate
  // card, say) are taller than the view, so nobody starts reading in the middle.
  useLayoutEffect(() => {
    const element = scroller.current;
    const count = messages.length;
    const firstNew = previousCount.current;
    previousCount.current = count;
    if (!element || count <= firstNew) return;
    const bottom = element.scrollHeight - element.clientHeight;
    const firstReplyIndex = messages.findIndex(
      (message, index) => index >= firstNew && message.role === 'assistant',
    );
    const firstReply =
      firstNew === 0
        ? null
        : element.querySelector<HTMLElement>(`[data-index="${String(firstReplyIndex)}"]`);
    element.scrollTop = firstReply ? Math.min(bottom, firstReply.offsetTop - 12) : bottom;
  }, [messages]);

  return (
    <div
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        followLatest.current =
          element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM;
      }}
      className="relative flex-1 overflow-y-auto overscroll-contain px-3 py-4 sm:px-4"
    >
      {notice && <p className="mb-3 text-center text-sm text-ink-muted">{notice}</p>}
      <ol
        aria-label="Conversation"
        aria-busy={pendingText !== null}
        className="flex flex-col gap-3"
      >
        {messages.map((message, index) => (
          <MessageItem
            key={message.id}
            message={message}
            index={index}
            estimate={index === lastEstimate ? estimate : null}
          />
        ))}
        {estimate && lastEstimate === -1 && (
          <li>
            <EstimateCard estimate={estimate} />
          </li>
        )}
        {pendingText !== null && (
          <>
            <li className="flex justify-end">
              <Bubble tone="user">{pendingText}</Bubble>
            </li>
            {streamed.map((text, index) =>
              text ? (
                <li key={index} className="flex justify-start">
                  <Bubble tone="advisor">{text}</Bubble>
                </li>
              ) : null,
            )}
            {streamedLength === 0 && (
              <li className="flex justify-start">
                <TypingIndicator />
              </li>
            )}
          </>
        )}
      </ol>
    </div>
  );
}
