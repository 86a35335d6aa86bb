import { ADVISOR_HEADING_ID, chatFrame, chatHeader } from './chat-frame';

const bubbles = ['w-4/5', 'w-3/5', 'w-2/3'];

/** What the chat panel looks like while its code loads: same frame, grey placeholders. */
export function ChatSkeleton() {
  return (
    <div className={chatFrame}>
      <div className={chatHeader}>
        <h2 id={ADVISOR_HEADING_ID} className="text-base font-bold">
          Your solar advisor
        </h2>
      </div>
      <div className="flex flex-1 flex-col gap-3 p-4" aria-hidden="true">
        {bubbles.map((width) => (
          <div
            key={width}
            className={`h-14 ${width} rounded-2xl bg-stone-100 motion-safe:animate-pulse`}
          />
        ))}
      </div>
      <p role="status" className="px-4 pb-2 text-sm text-ink-muted">
        Loading the advisor…
      </p>
      <div className="border-t border-aurum-100 p-3" aria-hidden="true">
        <div className="h-11 rounded-xl border border-stone-300 bg-stone-50" />
      </div>
    </div>
  );
}
