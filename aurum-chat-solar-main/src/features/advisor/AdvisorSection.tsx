import { lazy, Suspense } from 'react';

import { pageContainer } from '../../components/ui/styles';
import { ADVISOR_HEADING_ID } from './chat-frame';
import { ChatSkeleton } from './ChatSkeleton';

// The chat's code loads right after the first render, so the initial bundle stays small.
const AdvisorPanel = lazy(() => import('./AdvisorPanel'));

/** The home page's opening: a short introduction beside the chat with the solar advisor. */
export function AdvisorSection() {
  return (
    <div className="bg-gradient-to-b from-aurum-100 to-canvas pt-8 pb-12 sm:pt-12 sm:pb-16">
      <div
        className={`${pageContainer} grid gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)] lg:gap-10`}
      >
        <div className="lg:pt-6">
          <h1 className="text-3xl font-bold tracking-tight text-balance text-ink sm:text-5xl">
            Find out what solar would save you
          </h1>
          <p className="mt-4 text-lg text-ink-muted">
            Chat with our solar advisor about your home and your electricity bill. It works out the
            system your roof could take, what it would cost and what it could save.
          </p>
          <div className="mt-6 hidden lg:block">
            <h2 className="font-semibold">What the advisor asks about</h2>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-ink-muted">
              <li>Your ZIP code and whether you own your home</li>
              <li>Your typical monthly electricity bill</li>
              <li>Your roof and how much shade it gets</li>
              <li>When you would like to go solar</li>
            </ul>
            <p className="mt-4 text-ink-muted">
              You can stop at any point. Nothing is shared with an installer unless you agree to it
              at the end.
            </p>
          </div>
        </div>
        <section id="advisor" aria-labelledby={ADVISOR_HEADING_ID} className="scroll-mt-4">
          <Suspense fallback={<ChatSkeleton />}>
            <AdvisorPanel />
          </Suspense>
        </section>
      </div>
    </div>
  );
}
