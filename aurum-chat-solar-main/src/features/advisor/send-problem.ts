import { ApiError, NetworkError, userMessage } from '../../api/errors';
import { StreamInterruptedError } from './conversation-api';

/** Why the homeowner's last message got no reply, and what they can do about it. */
export interface SendProblem {
  /** The message that was not answered; "Try again" sends it again. */
  text: string;
  /** What happened, in plain words. */
  message: string;
  /** `start-over` when this chat cannot continue (expired, full). */
  action: 'retry' | 'start-over';
  /** No answer from the API at all. */
  offline: boolean;
  /** Seconds to wait before trying again (rate limited). */
  waitSeconds: number;
  /** The API may have saved the turn anyway: look at the transcript before resending. */
  mayHaveArrived: boolean;
}

function plural(count: number, unit: string): string {
  return `${String(count)} ${unit}${count === 1 ? '' : 's'}`;
}

export function describeSendFailure(error: unknown, text: string): SendProblem {
  const problem: SendProblem = {
    text,
    message: userMessage(error),
    action: 'retry',
    offline: false,
    waitSeconds: 0,
    mayHaveArrived: false,
  };
  if (error instanceof NetworkError) {
    return {
      ...problem,
      message:
        'We could not reach Aurum Solar, so your message was not answered. Check your internet connection, then try again.',
      offline: true,
      mayHaveArrived: true,
    };
  }
  if (error instanceof StreamInterruptedError) {
    return {
      ...problem,
      message: 'The connection dropped while the advisor was replying. Please try again.',
      mayHaveArrived: true,
    };
  }
  if (!(error instanceof ApiError)) return problem;

  switch (error.code) {
    case 'rate_limited': {
      const waitSeconds = Math.max(1, error.retryAfterSeconds ?? 10);
      return {
        ...problem,
        message: `You're sending messages faster than we can answer. Please wait ${plural(waitSeconds, 'second')}, then try again.`,
        waitSeconds,
      };
    }
    case 'conversation_busy':
      return {
        ...problem,
        message: 'The advisor is still answering your previous message. Try again in a moment.',
        mayHaveArrived: true,
      };
    case 'conversation_not_found':
      return {
        ...problem,
        message:
          'This chat has expired, so it cannot continue. Start a new chat: your message is kept in the box.',
        action: 'start-over',
      };
    case 'conversation_full':
      return { ...problem, action: 'start-over' };
    default:
      return { ...problem, mayHaveArrived: error.status >= 500 };
  }
}
