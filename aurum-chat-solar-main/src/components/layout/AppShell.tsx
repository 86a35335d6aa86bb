import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'wouter';

import { SiteFooter } from './SiteFooter';
import { SiteHeader } from './SiteHeader';
import { SkipLink } from './SkipLink';

/**
 * After a client-side navigation, move focus to the new page's content, as a full page
 * load would, so keyboard and screen-reader users are not left on the old link.
 */
function useFocusOnNavigation<Element extends HTMLElement>() {
  const [location] = useLocation();
  const target = useRef<Element>(null);
  const previousLocation = useRef(location);

  useEffect(() => {
    if (previousLocation.current === location) return;
    previousLocation.current = location;
    // A page that already put focus on something of its own (a thank-you heading) keeps it.
    const main = target.current;
    if (main && main !== document.activeElement && main.contains(document.activeElement)) return;
    main?.focus();
  }, [location]);

  return target;
}

export function AppShell({ children }: { children: ReactNode }) {
  const mainRef = useFocusOnNavigation<HTMLElement>();

  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <SiteHeader />
      <main id="main" ref={mainRef} tabIndex={-1} className="flex-1">
        {children}
      </main>
      <SiteFooter />
    </div>
  );
}
