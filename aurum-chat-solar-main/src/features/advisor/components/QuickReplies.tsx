interface QuickRepliesProps {
  replies: string[];
  /** Show the first reply as the main choice (the consent step's "I agree"). */
  emphasizeFirst?: boolean;
  onPick: (reply: string) => void;
}

const base = 'min-h-11 rounded-full border px-4 py-2 text-sm font-semibold transition-colors';
const plain = `${base} border-aurum-700 bg-white text-aurum-800 hover:bg-aurum-50`;
const main = `${base} border-aurum-500 bg-aurum-400 text-ink hover:bg-aurum-300`;

/** Tap-to-answer suggestions for the advisor's current question; each sends its own text. */
export function QuickReplies({ replies, emphasizeFirst = false, onPick }: QuickRepliesProps) {
  if (replies.length === 0) return null;
  return (
    <div role="group" aria-label="Suggested replies" className="flex flex-wrap gap-2 px-3 pt-3">
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
