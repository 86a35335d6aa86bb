import { Link } from 'wouter';

import { pageContainer, primaryAction } from '../../components/ui/styles';

export function NotFoundPage() {
  return (
    <div className={`${pageContainer} py-16 sm:py-24`}>
      <p className="text-sm font-semibold tracking-wide text-aurum-700 uppercase">Error 404</p>
      <h1 className="mt-2 text-3xl font-bold sm:text-4xl">Page not found</h1>
      <p className="mt-4 max-w-prose text-lg text-ink-muted">
        We could not find the page you asked for. The address may be mistyped, or the page may have
        moved.
      </p>
      <Link href="/" className={`${primaryAction} mt-8`}>
        Go to the home page
      </Link>
    </div>
  );
}
