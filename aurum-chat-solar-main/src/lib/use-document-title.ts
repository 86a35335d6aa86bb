import { useEffect } from 'react';

import { config } from '../config';

/** Sets the tab title: "Page · Brand", or the brand's own title on the home page. */
export function useDocumentTitle(pageTitle?: string): void {
  useEffect(() => {
    document.title = pageTitle
      ? `${pageTitle} · ${config.appName}`
      : `${config.appName}: find out what solar would save you`;
  }, [pageTitle]);
}
