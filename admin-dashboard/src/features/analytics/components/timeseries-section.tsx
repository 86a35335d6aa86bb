import { useQuery } from "@tanstack/react-query";

import { ErrorNotice } from "@/components/error-notice";
import { Section } from "@/components/ui/section";
import { formatCents, formatDate } from "@/lib/format";

import { lastDays, timeseriesQueryOptions, type AnalyticsFilters } from "../api/analytics";
import { LazyRevenueLeadsChart } from "./lazy-charts";

/** Leads, sales and net revenue per day: a chart, and the same numbers as a table for screen readers. */
export function TimeseriesSection({ days = 30, filters = {} }: { days?: number; filters?: AnalyticsFilters }) {
  const series = useQuery(timeseriesQueryOptions(lastDays(days), "day", filters));
  return (
    <Section title={`Revenue and leads, last ${String(days)} days`}>
      {series.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading…</p>
      ) : series.isError ? (
        <ErrorNotice error={series.error} title="The time series could not be loaded." />
      ) : (
        <>
          <LazyRevenueLeadsChart points={series.data.points.map((point) => ({ label: point.start.slice(5), leads: point.leads, sold: point.sold, net_revenue_cents: point.net_revenue_cents }))} />
          <table className="sr-only">
            <caption>Leads, leads sold and net revenue per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Leads</th>
                <th scope="col">Sold</th>
                <th scope="col">Net revenue</th>
              </tr>
            </thead>
            <tbody>
              {series.data.points.map((point) => (
                <tr key={point.start}>
                  <th scope="row">{formatDate(`${point.start}T12:00:00Z`)}</th>
                  <td>{point.leads}</td>
                  <td>{point.sold}</td>
                  <td>{formatCents(point.net_revenue_cents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}
