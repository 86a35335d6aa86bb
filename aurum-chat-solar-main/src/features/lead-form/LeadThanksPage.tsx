import { useEffect, useState } from 'react';
import { Link } from 'wouter';

import { pageContainer, primaryAction } from '../../components/ui/styles';
import { LeadSuccess } from './LeadSuccess';
import { readThanks } from './thanks-storage';

export const THANK_YOU_PATH = '/get-quote/thank-you';

/** The greeting's first name, for the request just sent; never written to storage. */
let greeted: { receiptId: string; firstName: string } | null = null;

export function rememberFirstName(receiptId: string, firstName: string): void {
  greeted = { receiptId, firstName };
}

/** `/get-quote/thank-you`: the request's reference and estimate, also after a reload. */
export function LeadThanksPage() {
  const [thanks] = useState(readThanks);
  const [firstName] = useState(() =>
    thanks && greeted?.receiptId === thanks.receipt.id ? greeted.firstName : null,
  );
  // Leaving the page forgets the name: a later visit or a reload greets without it.
  useEffect(
    () => () => {
      greeted = null;
    },
    [],
  );

  return (
    <div className={`${pageContainer} py-10 sm:py-14`}>
      {thanks ? (
        <LeadSuccess receipt={thanks.receipt} homeowner={thanks.homeowner} firstName={firstName} />
      ) : (
        <div className="max-w-2xl">
          <h1 className="text-3xl font-bold sm:text-4xl">Nothing to show here</h1>
          <p className="mt-4 text-lg text-ink-muted">
            This page shows a request sent from this browser tab. If you sent one, it was received;
            installers who serve your area contact you as you agreed.
          </p>
          <Link href="/get-quote" className={`${primaryAction} mt-8`}>
            Request quotes with the form
          </Link>
        </div>
      )}
    </div>
  );
}
