import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import { Link, useLocation, useParams } from "react-router";

import { DetailList } from "@/components/detail-list";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Transcript } from "@/components/transcript";
import { Section } from "@/components/ui/section";
import { LeadBuyers } from "@/features/sales/lead-buyers";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { formatBoolean, formatCents, formatDateTime, humanize } from "@/lib/format";

import { leadDetailQueryOptions, sourceLabel, type LeadDetail } from "./api/leads";
import { ConsentRecords } from "./components/consent-records";
import { EstimateSummary } from "./components/estimate-summary";
import { StatusBadge, TierBadge } from "./components/lead-badges";
import { LeadNotesForm, LeadStatusForm } from "./components/lead-manage";
import { ScoreFactors } from "./components/score-factors";

function BackToLeads() {
  const location = useLocation();
  // The list's filters and page when we came from it, so "back" lands on the same view.
  const state: unknown = location.state;
  const listSearch =
    typeof state === "object" && state !== null && "listSearch" in state && typeof state.listSearch === "string"
      ? state.listSearch
      : "";
  return (
    <Link to={`/leads${listSearch}`} className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ChevronLeft aria-hidden="true" className="size-4" />
      Back to leads
    </Link>
  );
}

function ContactAndHome({ lead }: { lead: LeadDetail }) {
  const utm = Object.entries(lead.utm).map(([key, value]) => `${key}=${String(value)}`);
  return (
    <DetailList
      items={[
        ["Email", <span className="break-all">{lead.email}</span>],
        ["Phone", lead.phone],
        ["Street address", lead.street_address ?? "–"],
        ["City", `${lead.city ? `${lead.city}, ` : ""}${lead.state} ${lead.zip_code}`],
        ["Homeowner", formatBoolean(lead.homeowner)],
        ["Property", humanize(lead.property_type)],
        ["Roof", humanize(lead.roof_type)],
        ["Shade", humanize(lead.shade)],
        ["Credit", humanize(lead.credit_band)],
        ["Timeline", humanize(lead.timeline)],
        ["Monthly bill", formatCents(lead.monthly_bill_cents)],
        ["Battery interest", formatBoolean(lead.battery_interest)],
        ["Source", sourceLabel(lead.source)],
        ["Requests", `${lead.submission_count}`],
        ["Campaign", utm.length ? <span className="font-mono text-xs break-all">{utm.join(" ")}</span> : "–"],
        ["Created", formatDateTime(lead.created_at)],
        ["Updated", formatDateTime(lead.updated_at)],
      ]}
    />
  );
}

function LeadView({ lead }: { lead: LeadDetail }) {
  const user = useCurrentUser();
  const canManage = hasRole(user.role, "manager");
  const name = `${lead.first_name} ${lead.last_name}`;

  return (
    <>
      <PageHeader
        title={name}
        description={
          <>
            Lead <code className="font-mono text-xs">{lead.id}</code>
          </>
        }
        actions={
          <>
            <StatusBadge status={lead.status} />
            <TierBadge tier={lead.tier} />
          </>
        }
      />
      {lead.pii_masked ? (
        <p className="mb-4 rounded-md border bg-muted px-3 py-2 text-sm">
          Contact details, the street address and the transcript are masked for your role.
        </p>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-2">
        <Section title="Contact and home">
          <ContactAndHome lead={lead} />
        </Section>

        <div className="space-y-6">
          {canManage ? (
            <Section title="Manage" description="Changes are saved at once and recorded in the audit log.">
              <div className="space-y-6">
                <LeadStatusForm lead={lead} />
                <LeadNotesForm lead={lead} />
              </div>
            </Section>
          ) : (
            <Section title="Notes">
              {lead.notes ? (
                <p className="text-sm break-words whitespace-pre-wrap">{lead.notes}</p>
              ) : (
                <p className="text-sm text-muted-foreground">No notes.</p>
              )}
            </Section>
          )}

          <Section
            title="Score"
            description={
              lead.unqualified_reason ? `Unqualified: ${lead.unqualified_reason}` : "Seven factors, at most 100 points."
            }
            actions={
              <p className="text-2xl font-semibold tabular-nums">
                {lead.score}
                <span className="text-sm font-normal text-muted-foreground">/100</span> <TierBadge tier={lead.tier} />
              </p>
            }
          >
            <ScoreFactors factors={lead.score_factors} />
          </Section>
        </div>

        <LeadBuyers leadId={lead.id} />

        <Section title="Estimate" description="As shown to the homeowner.">
          <EstimateSummary estimate={lead.estimate} />
        </Section>

        <Section title="Consent" description="Newest first.">
          <ConsentRecords consents={lead.consents} />
        </Section>

        <Section title="Transcript" className="xl:col-span-2">
          {lead.transcripts.length === 0 ? (
            <p className="text-sm text-muted-foreground">No chat led to this lead.</p>
          ) : (
            <div className="space-y-8">
              {lead.transcripts.map((chat) => (
                <div key={chat.conversation_id}>
                  <h3 className="mb-3 text-sm font-medium">
                    Chat started {formatDateTime(chat.started_at)} · {humanize(chat.status)} ·{" "}
                    <Link to={`/conversations/${chat.conversation_id}`} className="font-normal underline underline-offset-2">
                      Open the conversation
                    </Link>
                  </h3>
                  <Transcript messages={chat.messages} label={`Transcript of the chat started ${formatDateTime(chat.started_at)}`} />
                </div>
              ))}
            </div>
          )}
        </Section>
      </div>
    </>
  );
}

export function LeadDetailPage() {
  const { leadId = "" } = useParams();
  const lead = useQuery(leadDetailQueryOptions(leadId));

  return (
    <>
      <BackToLeads />
      {lead.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading the lead…
        </p>
      ) : lead.isError ? (
        <>
          <PageHeader title="Lead" />
          <ErrorNotice error={lead.error} title="The lead could not be loaded." />
        </>
      ) : (
        <LeadView lead={lead.data} />
      )}
    </>
  );
}
