import { lazy, Suspense } from 'react';

import { pageContainer } from '../../components/ui/styles';

// Loads right after the first render; see AdvisorPanel.
const AdvisorPanel = lazy(() => import('./AdvisorPanel'));

function AdvisorPanelLoading() {
  return (
    <div className="rounded-xl border border-aurum-200 bg-white p-4 sm:p-5">
      <p role="status" className="text-ink-muted">
        Loading the advisor…
      </p>
    </div>
  );
}

/** Where the chat advisor will open. Until it ships, it says what the advisor will do. */
export function AdvisorSection() {
  return (
    <section id="advisor" aria-labelledby="advisor-heading" className="bg-aurum-50 py-12 sm:py-16">
      <div className={`${pageContainer} grid gap-8 md:grid-cols-[3fr_2fr] md:items-start`}>
        <div>
          <h2 id="advisor-heading" className="text-2xl font-bold sm:text-3xl">
            Your solar advisor
          </h2>
          <p className="mt-3 inline-block rounded-lg bg-aurum-200 px-3 py-1 text-sm font-semibold text-aurum-950">
            In development: the chat will open right here
          </p>
          <p className="mt-4 text-ink-muted">
            The advisor is a short chat. It asks a few questions, one at a time, then shows an
            estimate for your home. You can stop at any point, and nothing is shared with an
            installer unless you agree to it.
          </p>
          <h3 className="mt-6 font-semibold">What it will ask about</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-ink-muted">
            <li>Your ZIP code and whether you own your home</li>
            <li>Your typical monthly electricity bill</li>
            <li>Your roof and how much shade it gets</li>
            <li>When you would like to go solar</li>
          </ul>
        </div>
        <Suspense fallback={<AdvisorPanelLoading />}>
          <AdvisorPanel />
        </Suspense>
      </div>
    </section>
  );
}
