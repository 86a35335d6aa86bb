import { useId, type KeyboardEvent, type Ref } from 'react';

import { primaryAction } from '../../../components/ui/styles';
import { formatNumber } from '../../../lib/format';

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  /** A turn is in flight: the box keeps focus but takes no input until the reply is in. */
  busy: boolean;
  /** Whether a message can go now (connected, chat still open). */
  canSend: boolean;
  maxLength: number;
  inputRef?: Ref<HTMLTextAreaElement>;
}

/** Shown once a message reaches this share of the limit. */
const COUNTER_FROM = 0.9;

/**
 * The message box. Enter sends, Shift+Enter starts a new line. While a reply is on its
 * way the box is read-only rather than disabled, so keyboard focus stays where it is.
 */
export function Composer({
  value,
  onChange,
  onSend,
  busy,
  canSend,
  maxLength,
  inputRef,
}: ComposerProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const counterId = `${id}-counter`;
  const showCounter = value.length >= maxLength * COUNTER_FROM;
  const sendable = canSend && !busy && value.trim() !== '';

  function submit() {
    if (sendable) onSend();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter while composing (Japanese, Chinese input methods) picks a word; it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  }

  return (
    <form
      className="border-t border-aurum-100 p-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={id} className="sr-only">
        Your message to the advisor
      </label>
      <div className="flex items-end gap-2">
        <textarea
          ref={inputRef}
          id={id}
          rows={1}
          value={value}
          maxLength={maxLength}
          readOnly={busy}
          aria-describedby={showCounter ? `${hintId} ${counterId}` : hintId}
          placeholder={busy ? 'The advisor is replying…' : 'Type your answer…'}
          autoComplete="off"
          onChange={(event) => {
            onChange(event.target.value);
          }}
          onKeyDown={handleKeyDown}
          className="max-h-40 min-h-11 flex-1 resize-none rounded-xl border border-stone-400 bg-white px-3 py-2.5 text-base [field-sizing:content] read-only:bg-stone-50"
        />
        <button
          type="submit"
          aria-disabled={!sendable}
          className={`${primaryAction} aria-disabled:cursor-not-allowed aria-disabled:opacity-60`}
        >
          Send
        </button>
      </div>
      <div className="flex flex-wrap justify-between gap-x-4 text-xs text-ink-muted sm:mt-1">
        {/* Keyboard advice: no room for it on a phone (still read out as the box's description). */}
        <p id={hintId} className="hidden sm:block">
          Enter sends. Shift+Enter adds a new line.
        </p>
        {showCounter && (
          <p
            id={counterId}
            className={value.length >= maxLength ? 'font-semibold text-red-800' : ''}
          >
            {formatNumber(value.length)} of {formatNumber(maxLength)} characters
          </p>
        )}
      </div>
    </form>
  );
}
