/**
 * The charts, in their own lazy chunk (recharts is large): import through `lazy-charts.tsx`.
 * Each is a picture (`aria-hidden`); the page renders the same numbers as a table beside it.
 */
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const GOLD = "var(--accent)";
const INK = "var(--primary)";
const dollars = (cents: number) => `$${Math.round(cents / 100).toLocaleString("en-US")}`;

export interface SeriesPoint {
  label: string;
  leads: number;
  sold: number;
  net_revenue_cents: number;
}

export function RevenueLeadsChart({ points }: { points: readonly SeriesPoint[] }) {
  return (
    <div aria-hidden="true" className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis yAxisId="count" allowDecimals={false} fontSize={12} />
          <YAxis yAxisId="money" orientation="right" tickFormatter={dollars} fontSize={12} />
          <Tooltip formatter={(value, name) => (name === "Net revenue" ? dollars(Number(value)) : String(value))} />
          <Legend />
          <Bar yAxisId="count" dataKey="leads" name="Leads" fill={GOLD} />
          <Bar yAxisId="count" dataKey="sold" name="Sold" fill="var(--muted-foreground)" />
          <Line yAxisId="money" dataKey="net_revenue_cents" name="Net revenue" stroke={INK} strokeWidth={2} dot={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

export function HorizontalBars({ rows, valueLabel, money = false }: { rows: readonly { label: string; value: number }[]; valueLabel: string; money?: boolean }) {
  return (
    <div aria-hidden="true" className="w-full" style={{ height: Math.max(160, rows.length * 28 + 40) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
          <XAxis type="number" tickFormatter={money ? dollars : undefined} fontSize={12} />
          <YAxis type="category" dataKey="label" width={140} fontSize={12} />
          <Tooltip formatter={(value) => (money ? dollars(Number(value)) : String(value))} />
          <Bar dataKey="value" name={valueLabel} fill={GOLD} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
