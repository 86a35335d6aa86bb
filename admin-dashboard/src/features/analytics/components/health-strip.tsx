import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { ApiError } from "@/api/errors";

import { formatRate, formatUptime, systemQueryOptions } from "../api/analytics";

/** One line of the platform's health on the overview (managers and admins; the API refuses analysts). */
export function HealthStrip() {
  const system = useQuery(systemQueryOptions());
  if (system.isPending) return <p className="text-sm text-muted-foreground">Checking the system…</p>;
  if (system.isError) {
    return (
      <p className="text-sm text-muted-foreground">
        {system.error instanceof ApiError && system.error.status === 404 ? "System health is not available on this server yet." : "System health could not be loaded."}
      </p>
    );
  }
  const data = system.data;
  const requests = data.routes.reduce((sum, route) => sum + route.requests, 0);
  const errors = data.routes.reduce((sum, route) => sum + route.errors, 0);
  const p95 = Math.max(0, ...data.routes.map((route) => route.p95_ms ?? 0));
  const items: [string, string, boolean][] = [
    ["Uptime", formatUptime(data.uptime_seconds), true],
    ["Database", `${data.database.status}${data.database.latency_ms !== null ? ` · ${data.database.latency_ms.toFixed(1)} ms` : ""}`, data.database.status === "up"],
    ["Redis", data.redis.status.replace("_", " "), data.redis.status !== "down"],
    ["Queue", `${String(data.worker.queue_depth)} waiting`, data.worker.queue_depth < 100],
    ["Errors", formatRate(requests ? errors / requests : null), requests === 0 || errors / requests < 0.01],
    ["Slowest p95", `${p95.toFixed(0)} ms`, p95 < 500],
  ];
  return (
    <section aria-label="System health" className="flex flex-wrap items-center gap-x-6 gap-y-2 rounded-lg border bg-card px-4 py-3 text-sm shadow-xs">
      {items.map(([label, value, ok]) => (
        <p key={label}>
          <span className="text-muted-foreground">{label}</span>{" "}
          <span className={ok ? "font-medium" : "font-medium text-destructive"}>
            {value}
            {ok ? "" : " (attention)"}
          </span>
        </p>
      ))}
      <Link to="/system" className="ml-auto underline-offset-2 hover:underline">
        System health
      </Link>
    </section>
  );
}
