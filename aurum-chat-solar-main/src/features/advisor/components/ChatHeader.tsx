import { useEffect, useRef, useState } from 'react';

import { ADVISOR_HEADING_ID, chatHeader } from '../chat-frame';

export type ConnectionTone = 'connecting' | 'ready' | 'replying' | 'offline' | 'ended';

const statusView: Record<ConnectionTone, { label: string; dot: string }> = {
  connecting: { label: 'Connecting…', dot: 'bg-stone-400 motion-safe:animate-pulse' },
  ready: { label: 'Ready', dot: 'bg-green-600' },
  replying: { label: 'Replying…', dot: 'bg-aurum-500 motion-safe:animate-pulse' },
  offline: { label: 'Offline', dot: 'bg-red-600' },
  ended: { label: 'Chat ended', dot: 'bg-stone-400' },
};

const smallButton =
  'min-h-10 rounded-lg border px-3 py-1.5 text-sm font-semibold transition-colors';

interface ChatHeaderProps {
  tone: ConnectionTone;
  /** Omit when there is nothing to start over from. */
  onStartOver?: (() => void) | undefined;
  /** Ask before clearing a chat in progress. */
  confirmStartOver: boolean;
}

export function ChatHeader({ tone, onStartOver, confirmStartOver }: ChatHeaderProps) {
  const [confirming, setConfirming] = useState(false);
  const startOverButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const status = statusView[tone];

  // The question replaces the button that asked it: focus its answer.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  return (
    <div className={`${chatHeader} flex-wrap`}>
      <div>
        <h2 id={ADVISOR_HEADING_ID} className="text-base font-bold">
          Your solar advisor
        </h2>
        {/* Not a live region: the chat announces replies and problems itself. */}
        <p className="flex items-center gap-1.5 text-xs text-ink-muted">
          <span aria-hidden="true" className={`size-2 rounded-full ${status.dot}`} />
          {status.label}
        </p>
      </div>
      {onStartOver &&
        (confirming ? (
          <div role="group" aria-label="Start over?" className="flex flex-wrap items-center gap-2">
            <span className="text-sm">Clear this chat?</span>
            <button
              ref={confirmButton}
              type="button"
              className={`${smallButton} border-aurum-700 bg-white text-aurum-800 hover:bg-aurum-100`}
              onClick={() => {
                setConfirming(false);
                onStartOver();
              }}
            >
              Yes, start over
            </button>
            <button
              type="button"
              className={`${smallButton} border-transparent text-ink-muted hover:bg-aurum-100`}
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => startOverButton.current?.focus());
              }}
            >
              Keep chatting
            </button>
          </div>
        ) : (
          <button
            ref={startOverButton}
            type="button"
            className={`${smallButton} border-aurum-700 bg-white text-aurum-800 hover:bg-aurum-100`}
            onClick={() => {
              if (confirmStartOver) setConfirming(true);
              else onStartOver();
            }}
          >
            Start over
          </button>
        ))}
    </div>
  );
}
