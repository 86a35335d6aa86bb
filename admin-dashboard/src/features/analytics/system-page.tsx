import { useQuery } from "@tanstack/react-query";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { DetailList } from "@/components/detail-list";
import { Section } from "@/components/ui/section";

import { formatRate, formatUptime, systemQueryOptions } from "./api/analytics";

const ms = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${value.toFixed(1)} ms`);

/** The app's own metrics: latency and errors per route, database, Redis, worker, web vitals, uptime. Refreshes every 15 s. */
export function SystemPage() {
  const system = useQuery(systemQueryOptions());
  return (
    <>
      <PageHeader title="System health" description="From the app's own metrics since it started; refreshed every 15 seconds." />
      {system.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading…</p>
      ) : system.isError ? (
        <ErrorNotice error={system.error} title="System health could not be loaded." />
      ) : (
        <div className="space-y-6">
          <div className="grid gap-6 md:grid-cols-3">
            <Section title="Service">
              <DetailList items={[["Uptime", formatUptime(system.data.uptime_seconds)], ["Instances", String(system.data.instances)]]} />
            </Section>
            <Section title="Database">
              <DetailList
                items={[
                  ["Status", system.data.database.status],
                  ["Latency", ms(system.data.database.latency_ms)],
                  ["Pool", `${String(system.data.database.pool.checked_out ?? "–")} in use of ${String(system.data.database.pool.size ?? "–")} (+${String(system.data.database.pool.overflow ?? 0)} overflow)`],
                ]}
              />
            </Section>
            <Section title="Redis and worker">
              <DetailList
                items={[
                  ["Redis", system.data.redis.status.replace("_", " ")],
                  ["Redis latency", ms(system.data.redis.latency_ms)],
                  ["Cache hit rate", formatRate(system.data.redis.cache_hit_rate)],
                  ["Queue depth", String(system.data.worker.queue_depth)],
                  ["Oldest waiting", system.data.worker.oldest_pending_seconds === null ? "–" : `${system.data.worker.oldest_pending_seconds.toFixed(0)} s`],
                  ["Held webhooks", String(system.data.worker.held_deliveries)],
                ]}
              />
            </Section>
          </div>
          <Section title="Routes" description="Requests, error rate and latency per route.">
            <div className="overflow-x-auto rounded-md border">
              <table className="stack-table w-full text-left text-sm">
                <caption className="sr-only">Latency and errors per route</caption>
                <thead className="text-xs text-muted-foreground">
                  <tr className="border-b">
                    <th scope="col" className="py-2 pr-4 pl-4 font-medium">Route</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">Requests</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">Error rate</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">p50</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">p95</th>
                  </tr>
                </thead>
                <tbody>
                  {[...system.data.routes].sort((a, b) => b.requests - a.requests).map((route) => (
                    <tr key={`${route.method} ${route.route}`} className="border-b last:border-b-0">
                      <th scope="row" className="py-2 pr-4 pl-4 font-mono text-xs font-normal break-all">{route.method} {route.route}</th>
                      <td data-label="Requests" className="py-2 pr-4 text-right tabular-nums">{route.requests}</td>
                      <td data-label="Error rate" className="py-2 pr-4 text-right tabular-nums">{formatRate(route.error_rate)}</td>
                      <td data-label="p50" className="py-2 pr-4 text-right tabular-nums">{ms(route.p50_ms)}</td>
                      <td data-label="p95" className="py-2 pr-4 text-right tabular-nums">{ms(route.p95_ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          <Section title="Web vitals" description="The public site's page loads, 75th percentile.">
            <DetailList items={system.data.web_vitals.map((vital) => [vital.name, `${vital.p75 === null ? "–" : vital.name === "CLS" ? vital.p75.toFixed(3) : `${vital.p75.toFixed(0)} ms`} (${String(vital.count)} samples)`] as [string, string])} />
          </Section>
        </div>
      )}
    </>
  );
}
