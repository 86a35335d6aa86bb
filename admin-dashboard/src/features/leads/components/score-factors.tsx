import { formatBoolean, formatNumber, humanize } from "@/lib/format";

interface Factor {
  factor: string;
  value: unknown;
  points: number;
  maxPoints: number;
  reason: string;
}

/** Reads the API's factor objects defensively: a missing field shows as a dash, never a crash. */
function parseFactor(raw: Record<string, unknown>): Factor {
  return {
    factor: typeof raw.factor === "string" ? raw.factor : "factor",
    value: raw.value,
    points: typeof raw.points === "number" ? raw.points : 0,
    maxPoints: typeof raw.max_points === "number" ? raw.max_points : 0,
    reason: typeof raw.reason === "string" ? raw.reason : "",
  };
}

function formatValue(value: unknown): string {
  if (typeof value === "boolean") return formatBoolean(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return humanize(value);
  if (value === null || value === undefined) return "–";
  return JSON.stringify(value);
}

/** How the score was reached: each factor's points out of its maximum, and why. */
export function ScoreFactors({ factors }: { factors: readonly Record<string, unknown>[] }) {
  if (factors.length === 0) return <p className="text-sm text-muted-foreground">No score factors recorded.</p>;
  const rows = factors.map(parseFactor);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Score factors</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 font-medium">Factor</th>
            <th scope="col" className="py-2 pr-4 font-medium">Answer</th>
            <th scope="col" className="py-2 pr-4 font-medium">Points</th>
            <th scope="col" className="py-2 font-medium">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.factor} className="border-b align-top last:border-b-0">
              <th scope="row" className="py-2 pr-4 font-medium whitespace-nowrap">{humanize(row.factor)}</th>
              <td className="py-2 pr-4">{formatValue(row.value)}</td>
              <td className="py-2 pr-4 whitespace-nowrap tabular-nums">
                <span>
                  {row.points}/{row.maxPoints}
                </span>
                <span aria-hidden="true" className="mt-1 block h-1.5 w-16 overflow-hidden rounded-full bg-muted">
                  <span
                    className="block h-full rounded-full bg-accent"
                    style={{ width: `${row.maxPoints > 0 ? Math.round((row.points / row.maxPoints) * 100) : 0}%` }}
                  />
                </span>
              </td>
              <td className="py-2 text-muted-foreground">{row.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
