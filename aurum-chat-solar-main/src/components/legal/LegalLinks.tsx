import { Link } from 'wouter';

import { textLink } from '../ui/styles';

/** "How we use your details: privacy policy and terms", beside every consent step. */
export function LegalLinks({ className = '' }: { className?: string }) {
  return (
    <p className={`text-sm text-ink-muted ${className}`}>
      What happens to your details:{' '}
      <Link href="/privacy" className={textLink}>
        privacy policy
      </Link>{' '}
      and{' '}
      <Link href="/terms" className={textLink}>
        terms of use
      </Link>
      .
    </p>
  );
}
