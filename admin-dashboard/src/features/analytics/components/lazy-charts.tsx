import { lazy, Suspense, type ComponentProps } from "react";

const charts = () => import("./charts");
const RevenueLeads = lazy(() => charts().then((module) => ({ default: module.RevenueLeadsChart })));
const Bars = lazy(() => charts().then((module) => ({ default: module.HorizontalBars })));

function Loading() {
  return <p className="text-sm text-muted-foreground">Loading the chart…</p>;
}

/** The charts load on first use, so the initial bundle stays within its budget. */
export function LazyRevenueLeadsChart(props: ComponentProps<typeof RevenueLeads>) {
  return (
    <Suspense fallback={<Loading />}>
      <RevenueLeads {...props} />
    </Suspense>
  );
}

export function LazyHorizontalBars(props: ComponentProps<typeof Bars>) {
  return (
    <Suspense fallback={<Loading />}>
      <Bars {...props} />
    </Suspense>
  );
}
