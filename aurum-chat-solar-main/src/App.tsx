import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { Router, type BaseLocationHook, type BaseSearchHook } from 'wouter';

import { AppShell } from './components/layout/AppShell';
import { PageViews } from './lib/analytics/PageViews';
import { AppRoutes } from './router';

interface AppProps {
  queryClient: QueryClient;
  /** Where the router reads the location; the browser's address bar when omitted. */
  location?: { hook: BaseLocationHook; searchHook?: BaseSearchHook };
}

export function App({ queryClient, location }: AppProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <Router {...location}>
        <PageViews />
        <AppShell>
          <AppRoutes />
        </AppShell>
      </Router>
    </QueryClientProvider>
  );
}
