import { onCLS, onINP, onLCP, type Metric } from 'web-vitals';

import type { Reporter } from './reporter';

/** Core Web Vitals, measured by Google's web-vitals library, into the batches. */
export function reportWebVitals(reporter: Reporter): void {
  const report = (metric: Metric) => {
    if (metric.name === 'LCP' || metric.name === 'INP' || metric.name === 'CLS') {
      reporter.vital(metric.name, metric.value, metric.rating);
    }
  };
  onLCP(report);
  onINP(report);
  onCLS(report);
}
