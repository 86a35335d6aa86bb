import { DetailList } from "@/components/detail-list";
import { formatNumber, formatUsd } from "@/lib/format";

function numberAt(estimate: Record<string, unknown>, key: string): number | undefined {
  const value = estimate[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function show(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? "–" : format(value);
}

/** The estimate the homeowner was shown when the lead was made (a snapshot, not recomputed). */
export function EstimateSummary({ estimate }: { estimate: Record<string, unknown> | null }) {
  if (!estimate) return <p className="text-sm text-muted-foreground">No estimate was made for this lead.</p>;
  const money = (value: number) => formatUsd(value, { whole: true });
  const size = numberAt(estimate, "system_size_kw");
  const panels = numberAt(estimate, "panel_count");
  const payback = numberAt(estimate, "payback_years");
  const notes = Array.isArray(estimate.notes) ? estimate.notes.filter((note): note is string => typeof note === "string") : [];

  return (
    <>
      <DetailList
        items={[
          [
            "System",
            size === undefined ? "–" : `${formatNumber(size)} kW${panels === undefined ? "" : ` (${panels} panels)`}`,
          ],
          ["Production, year 1", show(numberAt(estimate, "annual_production_kwh"), (v) => `${formatNumber(Math.round(v))} kWh`)],
          ["Bill offset", show(numberAt(estimate, "offset_pct"), (v) => `${formatNumber(v)} %`)],
          ["Gross cost", show(numberAt(estimate, "gross_cost_usd"), money)],
          ["Incentives", show(numberAt(estimate, "incentives_usd"), money)],
          ["Net cost", show(numberAt(estimate, "net_cost_usd"), money)],
          ["Savings, year 1", show(numberAt(estimate, "year1_savings_usd"), money)],
          ["Lifetime net savings", show(numberAt(estimate, "lifetime_net_savings_usd"), money)],
          ["Payback", payback === undefined ? "Not within the analysis period" : `${formatNumber(payback)} years`],
          ["Electricity rate", show(numberAt(estimate, "electricity_rate_usd_per_kwh"), (v) => `$${v.toFixed(3)}/kWh`)],
        ]}
      />
      {notes.length > 0 ? (
        <ul className="mt-3 list-disc space-y-1 pl-5 text-xs text-muted-foreground">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
