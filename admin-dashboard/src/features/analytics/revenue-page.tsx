import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useSearchParams } from "react-router";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { saveBlob } from "@/lib/download";
import { formatCents, humanize } from "@/lib/format";
import { DATE_PATTERN, readEnum, readString, writeParam } from "@/lib/search-params";

import { BREAKDOWNS, breakdownQueryOptions, formatRate, lastDays, toCsv, type BreakdownBy, type BreakdownRow } from "./api/analytics";
import { LazyHorizontalBars } from "./components/lazy-charts";
import { TimeseriesSection } from "./components/timeseries-section";

const COLUMNS: { key: keyof BreakdownRow; label: string; money?: boolean; rate?: boolean }[] = [
  { key: "leads", label: "Leads" },
  { key: "sold", label: "Sold" },
  { key: "sales", label: "Sales" },
  { key: "gross_revenue_cents", label: "Gross", money: true },
  { key: "return_credits_cents", label: "Credits", money: true },
  { key: "net_revenue_cents", label: "Net", money: true },
  { key: "revenue_per_lead_cents", label: "Per lead", money: true },
  { key: "sell_through", label: "Sell-through", rate: true },
  { key: "return_rate", label: "Return rate", rate: true },
  { key: "close_rate", label: "Close rate", rate: true },
];

function cell(row: BreakdownRow, column: (typeof COLUMNS)[number]): string {
  const value = row[column.key] as number | null;
  if (column.rate) return formatRate(value);
  if (column.money) return value === null ? "–" : formatCents(value);
  return String(value ?? 0);
}

/** Revenue by partner, state, tier, source or campaign: chart, table and CSV, for any period. */
export function RevenuePage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const fallback = lastDays(30);
  const period = { from: readString(params, "from", DATE_PATTERN) || fallback.from, to: readString(params, "to", DATE_PATTERN) || fallback.to };
  const by = readEnum<BreakdownBy>(params, "by", BREAKDOWNS, "partner");
  const breakdown = useQuery(breakdownQueryOptions(period, by));

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    writeParam(next, key, value);
    setParams(next, { replace: true });
  }

  function exportCsv() {
    if (!breakdown.data) return;
    const header = [humanize(by), ...COLUMNS.map((column) => column.label + (column.money ? " (USD)" : ""))];
    const rows = breakdown.data.rows.map((row) => [
      row.label,
      ...COLUMNS.map((column) => {
        const value = row[column.key] as number | null;
        if (value === null) return null;
        return column.money ? (value / 100).toFixed(2) : column.rate ? value.toFixed(4) : value;
      }),
    ]);
    saveBlob(new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }), `revenue-by-${by}-${period.from}-to-${period.to}.csv`);
  }

  return (
    <>
      <PageHeader title="Revenue" description="What was sold, for how much, and what came back, by any grouping (UTC days, both ends included)." />
      <div className="mb-4 flex flex-wrap items-end gap-3" role="group" aria-label="Period and grouping">
        <div className="space-y-1">
          <Label htmlFor={`${id}-from`}>From</Label>
          <Input id={`${id}-from`} type="date" className="w-44" value={period.from} max={period.to} onChange={(event) => { set("from", event.target.value); }} />
        </div>
        <div className="space-y-1">
          <Label htmlFor={`${id}-to`}>To</Label>
          <Input id={`${id}-to`} type="date" className="w-44" value={period.to} min={period.from} onChange={(event) => { set("to", event.target.value); }} />
        </div>
        <fieldset className="flex flex-wrap gap-1" aria-label="Group by">
          <legend className="sr-only">Group by</legend>
          {BREAKDOWNS.map((option) => (
            <Button key={option} size="sm" variant={option === by ? "primary" : "outline"} aria-pressed={option === by} onClick={() => { set("by", option); }}>
              {humanize(option)}
            </Button>
          ))}
        </fieldset>
      </div>
      <div className="space-y-6">
        <Section
          title={`Net revenue by ${by}`}
          actions={
            <Button size="sm" variant="outline" disabled={!breakdown.data?.rows.length} onClick={exportCsv}>
              Export CSV
            </Button>
          }
        >
          {breakdown.isPending ? (
            <p role="status" className="text-sm text-muted-foreground">Loading…</p>
          ) : breakdown.isError ? (
            <ErrorNotice error={breakdown.error} title="The breakdown could not be loaded." />
          ) : breakdown.data.rows.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing in this period.</p>
          ) : (
            <>
              <LazyHorizontalBars rows={breakdown.data.rows.slice(0, 15).map((row) => ({ label: row.label, value: row.net_revenue_cents }))} valueLabel="Net revenue" money />
              <div className="mt-4 overflow-x-auto rounded-md border">
                <table className="stack-table w-full text-left text-sm">
                  <caption className="sr-only">Revenue by {by}, {period.from} to {period.to}</caption>
                  <thead className="text-xs text-muted-foreground">
                    <tr className="border-b">
                      <th scope="col" className="py-2 pr-4 pl-4 font-medium">{humanize(by)}</th>
                      {COLUMNS.map((column) => (
                        <th key={column.key} scope="col" className="py-2 pr-4 text-right font-medium">{column.label}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {breakdown.data.rows.map((row) => (
                      <tr key={row.key} className="border-b last:border-b-0">
                        <th scope="row" className="py-2 pr-4 pl-4 font-medium">{row.label}</th>
                        {COLUMNS.map((column) => (
                          <td key={column.key} data-label={column.label} className="py-2 pr-4 text-right tabular-nums">{cell(row, column)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Section>
        <TimeseriesSection />
      </div>
    </>
  );
}
