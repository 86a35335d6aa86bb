import { lazy, Suspense } from 'react';
import { Route, Switch, useLocation } from 'wouter';

import { ErrorBoundary } from './components/ErrorBoundary';
import { PageLoading } from './components/PageLoading';
import HomeRoute from './routes/home';

// The home page ships in the entry chunk (its chat loads right after); every other page
// loads on demand.
const GetQuoteRoute = lazy(() => import('./routes/get-quote'));
const QuoteThanksRoute = lazy(() => import('./routes/quote-thanks'));
const NotFoundRoute = lazy(() => import('./routes/not-found'));
const PrivacyRoute = lazy(() => import('./routes/privacy'));
const TermsRoute = lazy(() => import('./routes/terms'));

export function AppRoutes() {
  const [location] = useLocation();

  return (
    <ErrorBoundary key={location}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={HomeRoute} />
          <Route path="/get-quote" component={GetQuoteRoute} />
          <Route path="/get-quote/thank-you" component={QuoteThanksRoute} />
          <Route path="/privacy" component={PrivacyRoute} />
          <Route path="/terms" component={TermsRoute} />
          <Route component={NotFoundRoute} />
        </Switch>
      </Suspense>
    </ErrorBoundary>
  );
}
