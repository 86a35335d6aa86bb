import type { Ref } from 'react';

import type { ConversationState } from '../../../api/types';
import { primaryAction, secondaryAction } from '../../../components/ui/styles';

interface ChatOutcomeProps {
  state: ConversationState;
  headingRef: Ref<HTMLHeadingElement>;
  onStartOver: () => void;
}

/** Where the message box was, once the chat is over: thanks and next steps, or a polite close. */
export function ChatOutcome({ state, headingRef, onStartOver }: ChatOutcomeProps) {
  if (state.completed && state.lead_id) {
    return (
      <div className="border-t border-green-200 bg-green-50 p-4 text-ink">
        <h3 ref={headingRef} tabIndex={-1} className="text-lg font-bold">
          Thank you, you're all set
        </h3>
        <p className="mt-1 text-sm">Your request for quotes is in. What happens next:</p>
        <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm">
          <li>
            Installers that serve your area contact you, as you agreed, to confirm the details.
          </li>
          <li>They may visit to survey your roof, then give you a firm quote.</li>
          <li>
            You compare and decide. There is no obligation, and you can ask them to stop at any
            time.
          </li>
        </ol>
        <p className="mt-2 text-xs text-ink-muted">Reference: {state.lead_id}</p>
        <button type="button" className={`${secondaryAction} mt-3`} onClick={onStartOver}>
          Start a new chat
        </button>
      </div>
    );
  }
  return (
    <div className="border-t border-aurum-100 bg-aurum-50 p-4 text-ink">
      <h3 ref={headingRef} tabIndex={-1} className="text-lg font-bold">
        This chat has ended
      </h3>
      <p className="mt-1 text-sm">
        Thanks for talking with us. Nothing has been passed to any installer. You can start a new
        chat whenever you like.
      </p>
      <button type="button" className={`${primaryAction} mt-3`} onClick={onStartOver}>
        Start a new chat
      </button>
    </div>
  );
}
