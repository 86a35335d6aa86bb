import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { CursorPager } from "@/components/cursor-pager";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Label, Select, Textarea } from "@/components/ui/field";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { ConsentRecords } from "@/features/leads/components/consent-records";
import { firstPageParams, readCursorPage } from "@/lib/cursor-pagination";
import { describeError } from "@/lib/describe-error";
import { formatCents, formatDateTime, humanize } from "@/lib/format";
import { readEnum, readString, writeParam } from "@/lib/search-params";

import { decideReturn, partnerKeys, returnKeys, returnsQueryOptions, saleKeys, type Return } from "../partners/api/partners";

const STATUSES = ["pending", "accepted", "rejected"] as const;
const TONES = { pending: "warning", accepted: "success", rejected: "neutral" } as const;
const UUID = /^[0-9a-f-]{36}$/i;

function EvidenceValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <>–</>;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return <>{String(value)}</>;
  return <code className="text-xs break-all">{JSON.stringify(value)}</code>;
}

/** One claim with its evidence beside it, and the decision for managers. */
function ReturnCard({ claim, canDecide }: { claim: Return; canDecide: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const decide = useMutation({
    mutationFn: (decision: "accept" | "reject") => decideReturn(claim.id, { decision, note: note.trim() || null }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: returnKeys.all }),
        queryClient.invalidateQueries({ queryKey: saleKeys.all }),
        queryClient.invalidateQueries({ queryKey: partnerKeys.all }),
      ]);
    },
  });
  const lead = claim.lead;
  return (
    <li>
      <article aria-labelledby={`${id}-title`} className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs lg:grid-cols-2">
        <div className="space-y-2">
          <h2 id={`${id}-title`} className="text-base font-semibold">
            {claim.partner.name} returns{" "}
            <Link to={`/leads/${lead.id}`} className="underline-offset-2 hover:underline">
              {lead.first_name} {lead.last_name}
            </Link>
          </h2>
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <Badge tone={TONES[claim.status]}>{humanize(claim.status)}</Badge>
            <span>{humanize(claim.reason)}</span>
            <span className="text-muted-foreground">filed {formatDateTime(claim.filed_at)}</span>
          </p>
          {claim.note ? <blockquote className="border-l-2 pl-3 text-sm whitespace-pre-wrap">{claim.note}</blockquote> : null}
          <p className="text-sm text-muted-foreground">
            Sold {formatDateTime(claim.sale.sold_at)} for {formatCents(claim.sale.price_cents)},{" "}
            {claim.sale.mode === "exclusive" ? "exclusive" : `shared by ${String(claim.sale.buyers)}`}.
            {claim.credit_cents !== null ? ` Credited ${formatCents(claim.credit_cents)}.` : ""}
          </p>
          <p className="text-sm">
            {lead.email} · {lead.phone} · {lead.city ? `${lead.city}, ` : ""}
            {lead.state} {lead.zip_code}
          </p>
          {claim.decision_note ? <p className="text-sm">Decision note: {claim.decision_note}</p> : null}
          {canDecide && claim.status === "pending" ? (
            <div className="space-y-2 pt-2">
              <Label htmlFor={`${id}-note`}>Decision note (optional)</Label>
              <Textarea id={`${id}-note`} maxLength={1000} value={note} onChange={(event) => { setNote(event.target.value); }} />
              <div className="flex gap-2">
                <Button disabled={decide.isPending} onClick={() => { decide.mutate("accept"); }} aria-label={`Accept the return from ${claim.partner.name}`}>
                  Accept and credit {formatCents(claim.sale.price_cents)}
                </Button>
                <Button variant="outline" disabled={decide.isPending} onClick={() => { decide.mutate("reject"); }} aria-label={`Reject the return from ${claim.partner.name}`}>
                  Reject
                </Button>
              </div>
              {decide.error ? <p role="alert" className="text-sm text-destructive">{describeError(decide.error)}</p> : null}
            </div>
          ) : null}
        </div>
        <section aria-label="Evidence" className="space-y-3 rounded-md bg-muted/50 p-3">
          <h3 className="text-sm font-semibold">Evidence</h3>
          <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
            {Object.entries(claim.evidence.filed).map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-muted-foreground">{humanize(key)}</dt>
                <dd className="min-w-0 break-words"><EvidenceValue value={value} /></dd>
              </div>
            ))}
          </dl>
          <div>
            <h4 className="mb-1 text-sm font-medium">Consent</h4>
            <ConsentRecords consents={claim.evidence.consents} />
          </div>
          {claim.evidence.transcripts.length ? (
            <p className="text-sm">
              Chats:{" "}
              {claim.evidence.transcripts.map((chat, index) => (
                <span key={chat.conversation_id}>
                  {index > 0 ? ", " : ""}
                  <Link to={`/conversations/${chat.conversation_id}`} className="underline-offset-2 hover:underline">transcript {index + 1}</Link>
                </span>
              ))}
            </p>
          ) : null}
        </section>
      </article>
    </li>
  );
}

/** Returns filed by partners: pending ones first to decide, with the evidence beside each claim. */
export function ReturnsPage() {
  const [params, setParams] = useSearchParams();
  const status = readEnum(params, "status", ["", ...STATUSES], "pending");
  const filters = {
    status: params.get("status") === "any" ? [] : [status || "pending"],
    partner_id: readString(params, "partner_id", UUID) || undefined,
    cursor: readCursorPage(params).cursor,
  };
  const returns = useQuery({ ...returnsQueryOptions(filters), placeholderData: keepPreviousData });
  const user = useCurrentUser();
  return (
    <>
      <PageHeader title="Returns" description="Leads partners sent back, with what was on file when they did. Accepting credits the partner." />
      <div className="mb-3 flex items-center gap-2">
        <Label htmlFor="returns-status" className="text-sm font-normal text-muted-foreground">Status</Label>
        <Select
          id="returns-status"
          className="w-40"
          value={params.get("status") === "any" ? "any" : status || "pending"}
          onChange={(event) => {
            const next = firstPageParams(params);
            writeParam(next, "status", event.target.value === "pending" ? "" : event.target.value);
            setParams(next);
          }}
        >
          <option value="pending">Pending</option>
          <option value="accepted">Accepted</option>
          <option value="rejected">Rejected</option>
          <option value="any">Any</option>
        </Select>
      </div>
      {returns.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading returns…</p>
      ) : returns.isError ? (
        <ErrorNotice error={returns.error} title="The returns could not be loaded." />
      ) : returns.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No returns here.</p>
      ) : (
        <>
          <ul className="space-y-4">
            {returns.data.items.map((claim) => (
              <ReturnCard key={`${claim.id}:${claim.status}`} claim={claim} canDecide={hasRole(user.role, "manager")} />
            ))}
          </ul>
          <CursorPager nextCursor={returns.data.next_cursor} rowCount={returns.data.items.length} label="Returns pages" />
        </>
      )}
    </>
  );
}
