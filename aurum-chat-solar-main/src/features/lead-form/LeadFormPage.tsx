import { useState } from 'react';
import { Link } from 'wouter';

import { pageContainer, textLink } from '../../components/ui/styles';
import { LeadForm, type Submitted } from './LeadForm';
import { LeadSuccess } from './LeadSuccess';

/** `/get-quote`: the lead form for homeowners who would rather fill in a form than chat. */
export function LeadFormPage() {
  const [submitted, setSubmitted] = useState<Submitted | null>(null);

  return (
    <div className={`${pageContainer} py-10 sm:py-14`}>
      {submitted ? (
        <LeadSuccess
          receipt={submitted.receipt}
          firstName={submitted.firstName}
          homeowner={submitted.homeowner}
        />
      ) : (
        <>
          <h1 className="text-3xl font-bold sm:text-4xl">Get solar quotes for your home</h1>
          <p className="mt-4 max-w-2xl text-lg text-ink-muted">
            Answer a few questions and we'll show you an estimate for your home right away, then
            pass your request to installers who serve your area. It takes about two minutes.
          </p>
          <p className="mt-2 text-ink-muted">
            Prefer to chat?{' '}
            <Link href="/" className={textLink}>
              Talk to the solar advisor
            </Link>
          </p>
          <LeadForm onSubmitted={setSubmitted} />
        </>
      )}
    </div>
  );
}
