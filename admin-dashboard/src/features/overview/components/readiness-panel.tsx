import { useQuery } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";

import { ApiError, NetworkError } from "@/api/errors";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { config } from "@/config";
import { cn } from "@/lib/utils";

import { readinessQueryOptions, type Readiness, type ReadinessCheck } from "../api/readiness";

const CHECK_LABELS: Record<string, string> = { database: "Database", cache: "Cache" };

const OVERALL: Record<Readiness["status"], { label: string; tone: BadgeTone }> = {
  ok: { label: "Operational", tone: "success" },
  degraded: { label: "Degraded", tone: "warning" },
  unavailable: { label: "Unavailable", tone: "danger" },
};

function overallExplanation(readiness: Readiness): string {
  switch (readiness.status) {
    case "ok":
      return "Every dependency answers.";
    case "degraded": {
      const which = readiness.degraded.length > 0 ? readiness.degraded.join(", ") : "a dependency";
      return `Still serving requests, with an in-process fallback standing in for ${which}.`;
    }
    case "unavailable":
      return "The database is unreachable: the API answers 503 until it is back.";
  }
}

function errorSummary(error: Error): { label: string; text: string } {
  if (error instanceof NetworkError) {
    return {
      label: "Unreachable",
      text: `No answer from ${config.apiUrl}. Check that the API is running and that VITE_API_URL points at it.`,
    };
  }
  if (error instanceof ApiError) {
    return { label: "Error", text: `The API answered HTTP ${error.status}: ${error.message}` };
  }
  return { label: "Error", text: `The status could not be read: ${error.message}` };
}

function formatLatency(ms: number | null | undefined): string {
  return typeof ms === "number" ? `${ms.toFixed(1)} ms` : "–";
}

function ChecksTable({ checks }: { checks: Readiness["checks"] }) {
  const rows: [string, ReadinessCheck][] = Object.entries(checks);
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Dependency checks</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 font-medium">Dependency</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            <th scope="col" className="py-2 pr-4 font-medium">Backend</th>
            <th scope="col" className="py-2 pr-4 font-medium">Latency</th>
            <th scope="col" className="py-2 font-medium">Notes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, check]) => (
            <tr key={name} className="border-b last:border-b-0">
              <th scope="row" className="py-2 pr-4 font-medium">{CHECK_LABELS[name] ?? name}</th>
              <td className="py-2 pr-4">
                <Badge tone={check.status === "ok" ? "success" : "danger"}>
                  {check.status === "ok" ? "OK" : "Unavailable"}
                </Badge>
              </td>
              <td className="py-2 pr-4 font-mono text-xs">{check.backend}</td>
              <td className="py-2 pr-4 tabular-nums">{formatLatency(check.latency_ms)}</td>
              <td className="py-2 text-xs text-muted-foreground">
                {check.fallback ? <p>Fallback: {check.fallback}</p> : null}
                {check.error ? <p className="font-mono break-words">{check.error}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Live `GET /health/ready`, polled every 30 s. */
export function ReadinessPanel() {
  const { data, error, isPending, isFetching, dataUpdatedAt, refetch } = useQuery(readinessQueryOptions());

  // A failed re-check outranks older data: "Operational" must not linger once the API is gone.
  let summary: { label: string; tone: BadgeTone; text: string } | null = null;
  if (error) {
    summary = { ...errorSummary(error), tone: "danger" };
  } else if (data) {
    summary = { ...OVERALL[data.status], text: overallExplanation(data) };
  }

  return (
    <section aria-labelledby="api-status-title" className="rounded-lg border bg-card p-5 shadow-xs">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="api-status-title" className="text-base font-semibold">API status</h2>
          <p className="font-mono text-xs text-muted-foreground">{config.apiUrl}</p>
        </div>
        <Button variant="outline" size="sm" onClick={() => void refetch()}>
          <RefreshCw aria-hidden="true" className={cn("size-4", isFetching && "animate-spin")} />
          Check again
        </Button>
      </div>

      <div role="status" className="mt-4 flex flex-wrap items-center gap-3">
        {isPending ? (
          <p className="text-sm text-muted-foreground">Checking…</p>
        ) : summary ? (
          <>
            <Badge tone={summary.tone} className="text-sm">{summary.label}</Badge>
            <p className="text-sm">{summary.text}</p>
          </>
        ) : null}
      </div>

      {data && !error ? <ChecksTable checks={data.checks} /> : null}

      {dataUpdatedAt > 0 ? (
        <p className="mt-3 text-xs text-muted-foreground">
          Last answer at{" "}
          <time dateTime={new Date(dataUpdatedAt).toISOString()}>
            {new Date(dataUpdatedAt).toLocaleTimeString()}
          </time>
        </p>
      ) : null}
    </section>
  );
}
