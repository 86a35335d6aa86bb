import type { ReactNode } from 'react';

import { pageContainer } from '../../components/ui/styles';

/** The frame of the privacy policy and the terms: a readable column with a date. */
export function LegalPage({
  title,
  updated,
  children,
}: {
  title: string;
  updated: string;
  children: ReactNode;
}) {
  return (
    <div className={`${pageContainer} py-10 sm:py-14`}>
      <article className="max-w-prose">
        <h1 className="text-3xl font-bold sm:text-4xl">{title}</h1>
        <p className="mt-2 text-sm text-ink-muted">Last updated {updated}</p>
        <div className="mt-6 space-y-4 text-ink [&_h2]:mt-8 [&_h2]:text-xl [&_h2]:font-bold [&_ul]:list-disc [&_ul]:space-y-1.5 [&_ul]:pl-5">
          {children}
        </div>
      </article>
    </div>
  );
}
