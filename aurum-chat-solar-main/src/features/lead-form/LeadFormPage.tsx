import { Link, useLocation } from 'wouter';

import { pageContainer, textLink } from '../../components/ui/styles';
import { LeadForm } from './LeadForm';
import { rememberFirstName, THANK_YOU_PATH } from './LeadThanksPage';
import { storeThanks } from './thanks-storage';

/** `/get-quote`: the lead form for homeowners who would rather fill in a form than chat. */
export function LeadFormPage() {
  const [, navigate] = useLocation();

  return (
    <div className={`${pageContainer} py-10 sm:py-14`}>
      <h1 className="text-3xl font-bold sm:text-4xl">Get solar quotes for your home</h1>
      <p className="mt-4 max-w-2xl text-lg text-ink-muted">
        Tell us about your home and your bill and we'll show you an estimate right away. If you like
        it, we pass your request to installers who serve your area. It takes about two minutes.
      </p>
      <p className="mt-2 text-ink-muted">
        Prefer to chat?{' '}
        <Link href="/" className={textLink}>
          Talk to the solar advisor
        </Link>
      </p>
      <LeadForm
        onSubmitted={({ receipt, firstName, homeowner }) => {
          // The thank-you survives a reload from sessionStorage (no contact details there);
          // the first name lives only in memory, for the greeting right now.
          storeThanks({ receipt, homeowner });
          rememberFirstName(receipt.id, firstName);
          navigate(THANK_YOU_PATH);
        }}
      />
    </div>
  );
}
