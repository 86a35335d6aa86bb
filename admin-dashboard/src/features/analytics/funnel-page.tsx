import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useSearchParams } from "react-router";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Input, Label } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { DATE_PATTERN, readString, writeParam } from "@/lib/search-params";

import { formatRate, funnelQueryOptions, lastDays, STEP_LABELS, type FunnelStep } from "./api/analytics";

function StepsTable({ steps, caption }: { steps: readonly FunnelStep[]; caption: string }) {
  const start = steps[0]?.count ?? 0;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-xs text-muted-foreground">
        <tr className="border-b">
          <th scope="col" className="py-2 pr-4 font-medium">Step</th>
          <th scope="col" className="py-2 pr-4 text-right font-medium">People</th>
          <th scope="col" className="py-2 pr-4 text-right font-medium">From the step before</th>
          <th scope="col" className="py-2 pr-4 text-right font-medium">From the start</th>
          <th scope="col" className="w-1/3 py-2 font-medium"><span className="sr-only">Share of the start</span></th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr key={step.step} className="border-b last:border-b-0">
            <th scope="row" className="py-2 pr-4 font-medium">{STEP_LABELS[step.step] ?? step.step}</th>
            <td className="py-2 pr-4 text-right tabular-nums">{step.count}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{formatRate(step.rate_from_previous)}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{formatRate(step.rate_from_start)}</td>
            <td className="py-2" aria-hidden="true">
              <div className="h-3 rounded-sm bg-accent" style={{ width: `${String(start ? Math.max(1, (step.count / start) * 100) : 0)}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The public funnel, visit to sold, with the conversion at each step, in all and by source. */
export function FunnelPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const fallback = lastDays(30);
  const period = { from: readString(params, "from", DATE_PATTERN) || fallback.from, to: readString(params, "to", DATE_PATTERN) || fallback.to };
  const funnel = useQuery(funnelQueryOptions(period, ""));
  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    writeParam(next, key, value);
    setParams(next, { replace: true });
  }
  return (
    <>
      <PageHeader title="Funnel" description="From a visit to a sold lead: how many people reach each step (UTC days)." />
      <div className="mb-4 flex flex-wrap items-end gap-3" role="group" aria-label="Period">
        <div className="space-y-1">
          <Label htmlFor={`${id}-from`}>From</Label>
          <Input id={`${id}-from`} type="date" className="w-44" value={period.from} max={period.to} onChange={(event) => { set("from", event.target.value); }} />
        </div>
        <div className="space-y-1">
          <Label htmlFor={`${id}-to`}>To</Label>
          <Input id={`${id}-to`} type="date" className="w-44" value={period.to} min={period.from} onChange={(event) => { set("to", event.target.value); }} />
        </div>
      </div>
      {funnel.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading…</p>
      ) : funnel.isError ? (
        <ErrorNotice error={funnel.error} title="The funnel could not be loaded." />
      ) : (
        <div className="space-y-6">
          <Section title="All sources">
            <StepsTable steps={funnel.data.steps} caption="The funnel, all sources" />
          </Section>
          {funnel.data.by_source.map((source) => (
            <Section key={source.source} title={`Source: ${source.source || "direct"}`}>
              <StepsTable steps={source.steps} caption={`The funnel from ${source.source || "direct"}`} />
            </Section>
          ))}
        </div>
      )}
    </>
  );
}
