import { PageHeader } from "@/components/page-header";

import { ReadinessPanel } from "./components/readiness-panel";

export function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="How the platform is doing right now." />
      <div className="grid gap-6 lg:grid-cols-2">
        <ReadinessPanel />
      </div>
    </>
  );
}
