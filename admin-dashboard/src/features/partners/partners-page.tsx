import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Input, Label, Select } from "@/components/ui/field";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { formatCents, humanize } from "@/lib/format";
import { readEnum, readString, writeParam } from "@/lib/search-params";

import { PARTNER_STATUSES, partnerListQueryOptions } from "./api/partners";
import { PartnerStatusBadge } from "./components/partner-status-badge";

function cap(used: number, limit: number | null | undefined) {
  return limit === null || limit === undefined ? `${String(used)} / no cap` : `${String(used)} / ${String(limit)}`;
}

/** Every partner with its status, balance, today's cap use and sales. */
export function PartnersPage() {
  const [params, setParams] = useSearchParams();
  const filters = { status: readEnum(params, "status", ["", ...PARTNER_STATUSES], ""), q: readString(params, "q") };
  const partners = useQuery(partnerListQueryOptions(filters));
  const user = useCurrentUser();

  function setFilter(key: "status" | "q", value: string) {
    const next = new URLSearchParams(params);
    writeParam(next, key, value);
    setParams(next, { replace: key === "q" });
  }

  return (
    <>
      <PageHeader
        title="Partners"
        description="Installers who buy leads: what they buy, where, and what they have left."
        actions={
          hasRole(user.role, "manager") ? (
            <Link to="/partners/new" className="inline-flex h-9 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary/90">
              New partner
            </Link>
          ) : null
        }
      />
      <div className="mb-3 flex flex-wrap gap-3" role="search" aria-label="Filter partners">
        <div className="flex items-center gap-2">
          <Label htmlFor="partners-q" className="text-sm font-normal text-muted-foreground">
            Name
          </Label>
          <Input
            id="partners-q"
            type="search"
            className="w-48"
            defaultValue={filters.q}
            onChange={(event) => {
              setFilter("q", event.target.value);
            }}
          />
        </div>
        <div className="flex items-center gap-2">
          <Label htmlFor="partners-status" className="text-sm font-normal text-muted-foreground">
            Status
          </Label>
          <Select
            id="partners-status"
            className="w-36"
            value={filters.status}
            onChange={(event) => {
              setFilter("status", event.target.value);
            }}
          >
            <option value="">Any status</option>
            {PARTNER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </Select>
        </div>
      </div>

      {partners.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading partners…
        </p>
      ) : partners.isError ? (
        <ErrorNotice error={partners.error} title="The partners could not be loaded." />
      ) : partners.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No partners match these filters.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
          <table className="stack-table w-full text-left text-sm">
            <caption className="sr-only">Partners</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b">
                <th scope="col" className="py-2 pr-4 pl-4 font-medium">Partner</th>
                <th scope="col" className="py-2 pr-4 font-medium">Status</th>
                <th scope="col" className="py-2 pr-4 font-medium">Balance</th>
                <th scope="col" className="py-2 pr-4 font-medium">Today</th>
                <th scope="col" className="py-2 pr-4 font-medium">This month</th>
                <th scope="col" className="py-2 pr-4 font-medium">Leads bought</th>
              </tr>
            </thead>
            <tbody>
              {partners.data.items.map((partner) => (
                <tr key={partner.id} className="border-b last:border-b-0 hover:bg-muted/50">
                  <th scope="row" className="py-2 pr-4 pl-4 font-medium">
                    <Link to={`/partners/${partner.id}`} className="underline-offset-2 hover:underline">
                      {partner.name}
                    </Link>
                    <p className="text-xs font-normal text-muted-foreground">{humanize(partner.billing_mode)}</p>
                  </th>
                  <td data-label="Status" className="py-2 pr-4">
                    <PartnerStatusBadge status={partner.status} />
                  </td>
                  <td data-label="Balance" className="py-2 pr-4 tabular-nums">{formatCents(partner.balance_cents)}</td>
                  <td data-label="Today" className="py-2 pr-4 tabular-nums">{cap(partner.caps_used.day, partner.caps.day)}</td>
                  <td data-label="This month" className="py-2 pr-4 tabular-nums">{cap(partner.caps_used.month, partner.caps.month)}</td>
                  <td data-label="Leads bought" className="py-2 pr-4 tabular-nums">{partner.sales_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
