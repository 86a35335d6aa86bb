import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Link, useLocation, useParams } from "react-router";

import { DetailList } from "@/components/detail-list";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/ui/section";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { formatCents, humanize } from "@/lib/format";
import { STATE_NAMES } from "@/lib/us-states";

import { SalesTable } from "../sales/sales-table";
import { outcomesQueryOptions, partnerQueryOptions, salesQueryOptions, TIERS, type PartnerDetail } from "./api/partners";
import { ApiKeysSection } from "./components/api-keys";
import { LedgerSection } from "./components/ledger";
import { WebhooksSection } from "./components/webhooks";
import { PartnerStatusBadge } from "./components/partner-status-badge";

const UsMap = lazy(() => import("./components/us-map"));

function percent(rate: number | null | undefined) {
  return rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`;
}

function capText(limit: number | null | undefined, used: number) {
  return limit === null || limit === undefined ? `${String(used)} (no cap)` : `${String(used)} of ${String(limit)}`;
}

function Overview({ partner }: { partner: PartnerDetail }) {
  const area = { states: partner.service_area.states ?? [], zip_prefixes: partner.service_area.zip_prefixes ?? [], zips: partner.service_area.zips ?? [] };
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Section title="Account">
        <DetailList
          items={[
            ["Status", <PartnerStatusBadge status={partner.status} />],
            ["Balance", formatCents(partner.balance_cents)],
            ["Billing", partner.billing_mode === "credit" ? `On credit, limit ${formatCents(partner.credit_limit_cents)}` : "Prepaid"],
            ["Contact", [partner.contact_name, partner.contact_email, partner.contact_phone].filter(Boolean).join(" · ") || "–"],
            ["Today", capText(partner.caps.day, partner.caps_used.day)],
            ["This week", capText(partner.caps.week, partner.caps_used.week)],
            ["This month", capText(partner.caps.month, partner.caps_used.month)],
            ["Spent this month", `${formatCents(partner.caps_used.month_spend_cents)}${partner.caps.month_spend_cents === null || partner.caps.month_spend_cents === undefined ? "" : ` of ${formatCents(partner.caps.month_spend_cents)}`}`],
            ["Leads bought", String(partner.sales_count)],
            ["Returns", `${String(partner.returns.pending)} pending, ${String(partner.returns.accepted)} accepted, ${String(partner.returns.rejected)} rejected`],
          ]}
        />
      </Section>
      <Section title="Service area and prices">
        <Suspense fallback={<p className="text-sm text-muted-foreground">Loading the map…</p>}>
          <UsMap selected={area.states} className="max-w-md" />
        </Suspense>
        <DetailList
          items={[
            ["States", area.states.length ? area.states.map((code) => STATE_NAMES[code] ?? code).join(", ") : "None"],
            ["ZIP prefixes", area.zip_prefixes.length ? area.zip_prefixes.join(", ") : "None"],
            ["ZIPs", area.zips.length ? area.zips.join(", ") : "None"],
            ...TIERS.map((tier) => {
              const price = partner.prices[tier];
              const show = (cents: number | null | undefined) => (cents === null || cents === undefined ? "not bought" : formatCents(cents));
              return [`Tier ${tier}`, `exclusive ${show(price?.exclusive)}, shared ${show(price?.shared)}`] as [string, string];
            }),
            ["Filters", [partner.filters.min_score !== null && partner.filters.min_score !== undefined ? `score ≥ ${String(partner.filters.min_score)}` : "", partner.filters.homeowners_only ? "homeowners only" : "", partner.filters.tiers?.length ? `tiers ${partner.filters.tiers.join(", ")}` : ""].filter(Boolean).join(", ") || "Any lead"],
          ]}
        />
      </Section>
    </div>
  );
}

function OutcomesSection({ partnerId }: { partnerId: string }) {
  const outcomes = useQuery(outcomesQueryOptions(partnerId));
  return (
    <Section title="Outcomes" description="What the partner reported after buying; each sale counts under its latest report.">
      {outcomes.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading outcomes…</p>
      ) : outcomes.isError ? (
        <ErrorNotice error={outcomes.error} title="The outcomes could not be loaded." />
      ) : (
        <>
          <p className="mb-3 text-sm">
            Close rate <strong className="text-lg tabular-nums">{percent(outcomes.data.close_rate)}</strong>{" "}
            <span className="text-muted-foreground">
              ({outcomes.data.won} won of {outcomes.data.reported} reported; {outcomes.data.sales} sales)
            </span>
          </p>
          <table className="w-full max-w-md text-left text-sm">
            <caption className="sr-only">Sales by latest outcome</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b"><th scope="col" className="py-1 font-medium">Outcome</th><th scope="col" className="py-1 text-right font-medium">Sales</th></tr>
            </thead>
            <tbody>
              {outcomes.data.by_outcome.map((row) => (
                <tr key={row.outcome} className="border-b last:border-b-0">
                  <th scope="row" className="py-1 font-normal">{humanize(row.outcome)}</th>
                  <td className="py-1 text-right tabular-nums">{row.sales}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function RecentSales({ partnerId }: { partnerId: string }) {
  const sales = useQuery(salesQueryOptions({ partner_id: partnerId }));
  return (
    <Section
      title="Sales"
      actions={
        <>
          <Link to={`/sales?partner_id=${partnerId}`} className="text-sm underline-offset-2 hover:underline">All sales</Link>
          <Link to={`/returns?partner_id=${partnerId}`} className="text-sm underline-offset-2 hover:underline">Returns</Link>
        </>
      }
    >
      {sales.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading sales…</p>
      ) : sales.isError ? (
        <ErrorNotice error={sales.error} title="The sales could not be loaded." />
      ) : sales.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No sales yet.</p>
      ) : (
        <SalesTable sales={sales.data.items.slice(0, 10)} caption="The partner's latest sales" showPartner={false} />
      )}
    </Section>
  );
}

/** `/partners/:partnerId`: one partner in full, with its money, keys, sales, outcomes and webhooks. */
export function PartnerDetailPage() {
  const { partnerId = "" } = useParams();
  const location = useLocation();
  const saved = (location.state as { saved?: string } | null)?.saved;
  const user = useCurrentUser();
  const canChange = hasRole(user.role, "manager");
  const partner = useQuery(partnerQueryOptions(partnerId));
  if (partner.isPending) return <p role="status" className="text-sm text-muted-foreground">Loading the partner…</p>;
  if (partner.isError) return <ErrorNotice error={partner.error} title="The partner could not be loaded." />;
  return (
    <>
      <PageHeader
        title={partner.data.name}
        description={<Link to="/partners" className="underline-offset-2 hover:underline">Back to partners</Link>}
        actions={
          canChange ? (
            <Link to={`/partners/${partnerId}/edit`} className="inline-flex h-9 items-center rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted">
              Edit partner
            </Link>
          ) : null
        }
      />
      <div aria-live="polite" className="mb-4 empty:mb-0">
        {saved ? <p className="rounded-md border border-success/30 bg-success-soft px-3 py-2 text-sm text-success">{saved}</p> : null}
      </div>
      <div className="space-y-6">
        <Overview partner={partner.data} />
        <LedgerSection partnerId={partnerId} canChange={canChange} />
        <ApiKeysSection partnerId={partnerId} canChange={canChange} />
        <div className="grid gap-6 lg:grid-cols-2">
          <OutcomesSection partnerId={partnerId} />
          <RecentSales partnerId={partnerId} />
        </div>
        <WebhooksSection partnerId={partnerId} canChange={canChange} />
      </div>
    </>
  );
}
