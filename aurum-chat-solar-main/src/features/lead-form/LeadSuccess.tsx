import { useEffect, useRef } from 'react';
import { Link } from 'wouter';

import type { LeadReceipt } from '../../api/types';
import { EstimateCard } from '../../components/estimate/EstimateCard';
import { primaryAction, textLink } from '../../components/ui/styles';

interface LeadSuccessProps {
  receipt: LeadReceipt;
  /** Known right after sending; after a reload (nothing personal is stored) null. */
  firstName: string | null;
  /** Whether they said they own the home (why an unqualified request was not passed on). */
  homeowner: boolean;
}

/** After the form is sent: the estimate and what happens next, or why nobody will call. */
export function LeadSuccess({ receipt, firstName, homeowner }: LeadSuccessProps) {
  const heading = useRef<HTMLHeadingElement>(null);

  // The form this replaces had focus: move it to the news.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  if (!receipt.qualified) {
    return (
      <div className="max-w-2xl">
        <h1 ref={heading} tabIndex={-1} className="text-3xl font-bold sm:text-4xl">
          {firstName ? `Thanks, ${firstName}` : 'Thanks'}
        </h1>
        <p className="mt-4 text-lg text-ink-muted">
          We have your answers, but we won't pass them to installers, so nobody will call you about
          this request.
        </p>
        <p className="mt-4 text-ink-muted">
          {homeowner
            ? 'With an electricity bill this small, solar panels would take too long to pay for themselves to be worth an installer’s visit.'
            : 'Solar panels need the property owner’s say-so, so we can only match homeowners with installers. If your landlord is interested, they are welcome to talk to our advisor.'}
        </p>
        <p className="mt-4 text-ink-muted">
          If something changes, you can always come back and ask again.
        </p>
        <Link href="/" className={`${primaryAction} mt-8`}>
          Talk to the solar advisor
        </Link>
      </div>
    );
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)] lg:items-start">
      <div>
        <h1 ref={heading} tabIndex={-1} className="text-3xl font-bold sm:text-4xl">
          {firstName
            ? `Thank you, ${firstName}: your request is in`
            : 'Thank you: your request is in'}
        </h1>
        <p className="mt-4 text-lg text-ink-muted">
          Here is your estimate. Installers who serve your area now get your request.
        </p>
        <h2 className="mt-8 text-xl font-bold">What happens next</h2>
        <ol className="mt-3 list-decimal space-y-2 pl-5 text-ink-muted">
          <li>
            Installers who serve your area contact you, as you agreed, to confirm your details.
          </li>
          <li>They may visit to survey your roof, then give you a firm quote.</li>
          <li>
            You compare and decide. There is no obligation, and you can ask any of them to stop
            contacting you at any time.
          </li>
        </ol>
        <p className="mt-6 text-sm text-ink-muted">
          Reference: {receipt.id}. Quote it if you write to us about this request.
        </p>
        <p className="mt-6">
          <Link href="/" className={textLink}>
            Back to the home page
          </Link>
        </p>
      </div>
      {receipt.estimate && <EstimateCard estimate={receipt.estimate} headingLevel={2} />}
    </div>
  );
}
