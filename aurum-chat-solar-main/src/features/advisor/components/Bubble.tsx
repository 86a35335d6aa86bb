import type { ReactNode } from 'react';

type Tone = 'user' | 'advisor' | 'hint';

const toneClasses: Record<Tone, string> = {
  user: 'rounded-br-md bg-aurum-400 text-ink',
  advisor: 'rounded-bl-md bg-stone-100 text-ink',
  hint: 'rounded-bl-md border border-aurum-300 bg-aurum-50 text-ink',
};

/**
 * One chat bubble. Its text is rendered as text (React escapes it) and keeps its line
 * breaks; the speaker is spelled out for screen readers.
 */
export function Bubble({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <div
      className={`max-w-[88%] rounded-2xl px-4 py-2.5 whitespace-pre-wrap [overflow-wrap:anywhere] ${toneClasses[tone]}`}
    >
      <span className="sr-only">{tone === 'user' ? 'You: ' : 'Advisor: '}</span>
      {children}
    </div>
  );
}
