import { useQuery } from "@tanstack/react-query";

import { ErrorNotice } from "@/components/error-notice";
import { formatCents } from "@/lib/format";

import { change, formatRate, lastDays, summaryQueryOptions, type Kpis } from "../api/analytics";

const PERIODS = [
  { days: 1, label: "Today" },
  { days: 7, label: "Last 7 days" },
  { days: 30, label: "Last 30 days" },
] as const;

const METRICS: { key: keyof Kpis; label: string; format: (value: number | null) => string }[] = [
  { key: "net_revenue_cents", label: "Net revenue", format: (value) => (value === null ? "–" : formatCents(value)) },
  { key: "leads", label: "Leads", format: (value) => String(value ?? 0) },
  { key: "sold", label: "Leads sold", format: (value) => String(value ?? 0) },
  { key: "sell_through", label: "Sell-through", format: formatRate },
  { key: "return_rate", label: "Return rate", format: formatRate },
];

function Delta({ current, previous, lowerIsBetter = false }: { current: number | null; previous: number | null; lowerIsBetter?: boolean }) {
  const delta = change(current, previous);
  if (delta === null) return <span className="text-xs text-muted-foreground">no earlier data</span>;
  const up = delta > 0;
  const good = delta === 0 ? null : up !== lowerIsBetter;
  return (
    <span className={good === null ? "text-xs text-muted-foreground" : good ? "text-xs text-success" : "text-xs text-destructive"}>
      {up ? "▲" : delta < 0 ? "▼" : "="} {Math.abs(delta * 100).toFixed(0)}%<span className="sr-only"> {up ? "more" : "less"} than the period before</span>
    </span>
  );
}

function PeriodCards({ days, label }: { days: number; label: string }) {
  const summary = useQuery(summaryQueryOptions(lastDays(days)));
  return (
    <section aria-label={label} className="rounded-lg border bg-card p-4 shadow-xs">
      <h2 className="mb-3 text-sm font-semibold">{label}</h2>
      {summary.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading…</p>
      ) : summary.isError ? (
        <ErrorNotice error={summary.error} />
      ) : (
        <dl className="grid grid-cols-2 gap-3">
          {METRICS.map((metric) => {
            const current = summary.data.current[metric.key];
            const previous = summary.data.previous[metric.key];
            return (
              <div key={metric.key}>
                <dt className="text-xs text-muted-foreground">{metric.label}</dt>
                <dd>
                  <span className="text-lg font-semibold tabular-nums">{metric.format(current)}</span>{" "}
                  <Delta current={current} previous={previous} lowerIsBetter={metric.key === "return_rate"} />
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}

/** Today, 7 and 30 days, each against the same length of time just before it. */
export function KpiCards() {
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {PERIODS.map((period) => (
        <PeriodCards key={period.days} days={period.days} label={period.label} />
      ))}
    </div>
  );
}
