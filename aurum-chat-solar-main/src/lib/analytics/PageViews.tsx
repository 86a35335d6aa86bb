import { useEffect } from 'react';
import { useLocation } from 'wouter';

import { track } from '.';

let lastReported: string | null = null;

/** Reports a page view for each page shown (once per change, even under StrictMode). */
export function PageViews() {
  const [location] = useLocation();
  useEffect(() => {
    if (location === lastReported) return;
    lastReported = location;
    track('page_view');
  }, [location]);
  return null;
}
