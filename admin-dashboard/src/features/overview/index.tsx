import { PageHeader } from "@/components/page-header";
import { HealthStrip } from "@/features/analytics/components/health-strip";
import { KpiCards } from "@/features/analytics/components/kpi-cards";
import { LiveFeed } from "@/features/analytics/components/live-feed";
import { TimeseriesSection } from "@/features/analytics/components/timeseries-section";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";

import { ReadinessPanel } from "./components/readiness-panel";

export function OverviewPage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader title="Overview" description="How the business and the platform are doing right now (UTC days)." />
      <div className="space-y-6">
        {hasRole(user.role, "manager") ? <HealthStrip /> : null}
        <KpiCards />
        <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <TimeseriesSection />
          <LiveFeed />
        </div>
        <ReadinessPanel />
      </div>
    </>
  );
}
