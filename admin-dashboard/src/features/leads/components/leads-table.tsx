import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { Link } from "react-router";

import { formatCents, formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

import { sourceLabel, type LeadSort, type LeadSummary } from "../api/leads";
import { StatusBadge, TierBadge } from "./lead-badges";

type SortColumn = "score" | "created_at";

interface SortHeaderProps {
  column: SortColumn;
  label: string;
  sort: LeadSort;
  onSort: (sort: LeadSort) => void;
}

/** A column header that sorts: first click sorts highest/newest first, the next click flips it. */
function SortHeader({ column, label, sort, onSort }: SortHeaderProps) {
  const active = sort === column || sort === `-${column}`;
  const descending = sort === `-${column}`;
  const next: LeadSort = descending ? column : `-${column}`;
  const Icon = !active ? ArrowUpDown : descending ? ArrowDown : ArrowUp;
  return (
    <th scope="col" aria-sort={active ? (descending ? "descending" : "ascending") : "none"} className="py-2 pr-4 font-medium">
      <button
        type="button"
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-foreground"
        onClick={() => {
          onSort(next);
        }}
      >
        {label}
        <Icon aria-hidden="true" className="size-3.5" />
        <span className="sr-only">{`, sort ${next.startsWith("-") ? "descending" : "ascending"}`}</span>
      </button>
    </th>
  );
}

interface LeadsTableProps {
  leads: readonly LeadSummary[];
  sort: LeadSort;
  onSort: (sort: LeadSort) => void;
  /** The list's URL search, so the detail page can link back to this exact view. */
  listSearch: string;
  busy: boolean;
}

export function LeadsTable({ leads, sort, onSort, listSearch, busy }: LeadsTableProps) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
      <table aria-busy={busy} className={cn("stack-table w-full text-left text-sm", busy && "opacity-60")}>
        <caption className="sr-only">Leads</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 pl-4 font-medium">Lead</th>
            <th scope="col" className="py-2 pr-4 font-medium">Contact</th>
            <th scope="col" className="py-2 pr-4 font-medium">Location</th>
            <SortHeader column="score" label="Score" sort={sort} onSort={onSort} />
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            <th scope="col" className="py-2 pr-4 font-medium">Source</th>
            <th scope="col" className="py-2 pr-4 font-medium">Bill</th>
            <SortHeader column="created_at" label="Created" sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {leads.map((lead) => (
            <tr key={lead.id} className="border-b last:border-b-0 hover:bg-muted/50">
              <th scope="row" className="py-2 pr-4 pl-4 font-medium">
                <Link
                  to={`/leads/${lead.id}`}
                  state={{ listSearch }}
                  className="underline-offset-2 hover:underline"
                >
                  {lead.first_name} {lead.last_name}
                </Link>
                {lead.submission_count > 1 ? (
                  <span className="ml-1 text-xs font-normal text-muted-foreground">({lead.submission_count}×)</span>
                ) : null}
              </th>
              <td data-label="Contact" className="py-2 pr-4">
                <p className="break-all">{lead.email}</p>
                <p className="text-xs text-muted-foreground tabular-nums">{lead.phone}</p>
              </td>
              <td data-label="Location" className="py-2 pr-4">
                {lead.city ? `${lead.city}, ` : ""}
                {lead.state} {lead.zip_code}
              </td>
              <td data-label="Score" className="py-2 pr-4 whitespace-nowrap tabular-nums">
                {lead.score} <TierBadge tier={lead.tier} />
              </td>
              <td data-label="Status" className="py-2 pr-4">
                <StatusBadge status={lead.status} />
              </td>
              <td data-label="Source" className="py-2 pr-4">{sourceLabel(lead.source)}</td>
              <td data-label="Bill" className="py-2 pr-4 tabular-nums">{formatCents(lead.monthly_bill_cents)}</td>
              <td data-label="Created" className="py-2 pr-4">
                <time dateTime={lead.created_at}>{formatDateTime(lead.created_at)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
