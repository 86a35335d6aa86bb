interface QuickRepliesProps {
  replies: string[];
  /** Show the first reply as the main choice (the consent step's "I agree"). */
  emphasizeFirst?: boolean;
  onPick: (reply: string) => void;
}

const base =
  'min-h-11 shrink-0 rounded-full border px-4 py-2 text-sm font-semibold whitespace-nowrap transition-colors sm:whitespace-normal';
const plain = `${base} border-aurum-700 bg-white text-aurum-800 hover:bg-aurum-50`;
const main = `${base} border-aurum-500 bg-aurum-400 text-ink hover:bg-aurum-300`;

/**
 * Tap-to-answer suggestions for the advisor's current question; each sends its own text.
 * On a phone they sit in one row that scrolls sideways, so a long list of choices never
 * takes the transcript's room (an estimate card above them stays readable).
 */
export function QuickReplies({ replies, emphasizeFirst = false, onPick }: QuickRepliesProps) {
  if (replies.length === 0) return null;
  return (
    <div
      role="group"
      aria-label="Suggested replies"
      className="flex gap-2 overflow-x-auto overscroll-x-contain px-3 pt-3 pb-1 sm:flex-wrap sm:overflow-visible sm:pb-0"
    >
      {replies.map((reply, index) => (
        <button
          key={reply}
          type="button"
          className={emphasizeFirst && index === 0 ? main : plain}
          onClick={() => {
            onPick(reply);
          }}
        >
          {reply}
        </button>
      ))}
    </div>
  );
}
