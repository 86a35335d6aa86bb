import type { ChatMessage, Estimate } from '../../../api/types';
import { EstimateCard } from '../../../components/estimate/EstimateCard';
import { LegalLinks } from '../../../components/legal/LegalLinks';
import { Bubble } from './Bubble';

function disclosureOf(message: ChatMessage): string | null {
  const disclosure = message.meta?.disclosure;
  return typeof disclosure === 'string' && disclosure.trim() ? disclosure : null;
}

/**
 * The consent step: the disclosure exactly as the API sent it, set apart so it reads as
 * the terms it is, then the question (the message's text after the disclosure).
 */
function ConsentBubble({ content, disclosure }: { content: string; disclosure: string }) {
  const question = content.startsWith(disclosure)
    ? content.slice(disclosure.length).trim()
    : content;
  return (
    <div className="w-full max-w-[92%] rounded-2xl rounded-bl-md border-2 border-aurum-400 bg-white p-4 text-ink">
      <span className="sr-only">Advisor: </span>
      <p className="font-semibold">Before we share your details</p>
      <p className="mt-2 whitespace-pre-wrap" data-disclosure="">
        {disclosure}
      </p>
      <LegalLinks className="mt-2" />
      {question && <p className="mt-3 font-semibold whitespace-pre-wrap">{question}</p>}
    </div>
  );
}

interface MessageItemProps {
  message: ChatMessage;
  /** Its position in the transcript, for scrolling a finished turn into view. */
  index: number;
  /** The estimate card to show under this message, if it is the latest estimate. */
  estimate?: Estimate | null | undefined;
}

export function MessageItem({ message, index, estimate }: MessageItemProps) {
  if (message.role === 'user') {
    return (
      <li className="flex justify-end" data-index={index}>
        <Bubble tone="user">{message.content}</Bubble>
      </li>
    );
  }
  const disclosure = message.kind === 'consent' ? disclosureOf(message) : null;
  return (
    <li className="flex flex-col items-start gap-3" data-index={index}>
      {disclosure ? (
        <ConsentBubble content={message.content} disclosure={disclosure} />
      ) : (
        <Bubble tone={message.kind === 'hint' ? 'hint' : 'advisor'}>{message.content}</Bubble>
      )}
      {estimate && <EstimateCard estimate={estimate} />}
    </li>
  );
}
