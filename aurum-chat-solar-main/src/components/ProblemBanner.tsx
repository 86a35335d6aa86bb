import { useEffect, useState } from 'react';

import { secondaryAction } from './ui/styles';

/** Counts down once a second from `seconds` to 0. Remount (change its `key`) to restart. */
function useCountdown(seconds: number): number {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => {
      setLeft((current) => current - 1);
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [left]);
  return left;
}

interface ProblemBannerProps {
  message: string;
  /** The button's label and what it does. */
  actionLabel: string;
  onAction: () => void;
  /** Seconds before the action may be used (rate limited). */
  waitSeconds?: number;
  busyLabel?: string | null | undefined;
  className?: string;
}

/**
 * What went wrong and the one thing to do about it. Only the message is the alert: the
 * button's label counts down, and a screen reader should not re-read the alert each second.
 */
export function ProblemBanner({
  message,
  actionLabel,
  onAction,
  waitSeconds = 0,
  busyLabel,
  className = '',
}: ProblemBannerProps) {
  const left = useCountdown(waitSeconds);
  const blocked = left > 0 || Boolean(busyLabel);
  return (
    <div
      className={`rounded-xl border border-red-300 bg-red-50 p-3 text-sm text-red-950 ${className}`}
    >
      <p role="alert">{message}</p>
      <button
        type="button"
        aria-disabled={blocked}
        className={`${secondaryAction} mt-2 min-h-10 px-4 py-1.5 text-sm aria-disabled:cursor-not-allowed aria-disabled:opacity-60`}
        onClick={() => {
          if (!blocked) onAction();
        }}
      >
        {busyLabel ?? (left > 0 ? `${actionLabel} (${String(left)} s)` : actionLabel)}
      </button>
    </div>
  );
}
