import { useQuery } from "@tanstack/react-query";
import { Link, useLocation, useSearchParams } from "react-router";

import { CursorPager } from "@/components/cursor-pager";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { FieldHint, Label, Select } from "@/components/ui/field";
import { hasRole } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { firstPageParams } from "@/lib/cursor-pagination";
import { writeParam } from "@/lib/search-params";

import {
  DEFAULT_PAGE_SIZE,
  DEFAULT_SORT,
  hasFilters,
  leadListQueryOptions,
  PAGE_SIZES,
  readLeadListView,
  toApiQuery,
  writeLeadFilters,
  type LeadFilters,
  type LeadSort,
} from "./api/leads";
import { ExportCsvButton } from "./components/export-csv-button";
import { LeadsFilters } from "./components/leads-filters";
import { LeadsTable } from "./components/leads-table";

/** The leads table: filters, sort, page size and page all live in the URL. */
export function LeadsPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const user = useCurrentUser();
  const view = readLeadListView(params);
  const leads = useQuery(leadListQueryOptions(view));

  function applyFilters(filters: LeadFilters) {
    setParams(firstPageParams(writeLeadFilters(params, filters)));
  }

  function setOption(key: "sort" | "limit", value: string, defaultValue: string) {
    const next = firstPageParams(params);
    writeParam(next, key, value === defaultValue ? null : value);
    setParams(next);
  }

  const seesContacts = hasRole(user.role, "manager");
  const searchHint = seesContacts
    ? "First or last name, email, phone, street, city, ZIP or lead id."
    : "First name, city, ZIP or lead id (contact details are masked for your role).";
  const masked = leads.data?.items.some((lead) => lead.pii_masked) ?? false;
  const filtersKey = writeLeadFilters(new URLSearchParams(), view.filters).toString();

  return (
    <>
      <PageHeader
        title="Leads"
        description="Every homeowner request, scored and de-duplicated."
        actions={<ExportCsvButton query={toApiQuery(view.filters, view.sort)} />}
      />
      <LeadsFilters key={filtersKey} filters={view.filters} onApply={applyFilters} searchHint={searchHint} />

      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <p className="text-sm text-muted-foreground">
          {masked ? "Contact details are masked for your role. " : null}
          {hasFilters(view.filters) ? "Filtered view: the export uses the same filters." : "All leads."}
        </p>
        <div className="flex items-center gap-2">
          <Label htmlFor="leads-page-size" className="text-sm font-normal text-muted-foreground">
            Rows per page
          </Label>
          <Select
            id="leads-page-size"
            className="w-24"
            value={String(view.limit)}
            onChange={(event) => {
              setOption("limit", event.target.value, String(DEFAULT_PAGE_SIZE));
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </Select>
        </div>
      </div>

      {leads.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading leads…
        </p>
      ) : leads.isError ? (
        <div className="space-y-2">
          <ErrorNotice error={leads.error} title="The leads could not be loaded." />
          {view.cursor ? (
            <FieldHint>
              <Link to={{ search: firstPageParams(params).toString() }} className="underline">
                Start again from the first page
              </Link>
            </FieldHint>
          ) : null}
        </div>
      ) : leads.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">
          {view.cursor ? "No more leads." : "No leads match these filters."}
        </p>
      ) : (
        <>
          <LeadsTable
            leads={leads.data.items}
            sort={view.sort}
            onSort={(sort: LeadSort) => {
              setOption("sort", sort, DEFAULT_SORT);
            }}
            listSearch={location.search}
            busy={leads.isPlaceholderData}
          />
          <CursorPager nextCursor={leads.isPlaceholderData ? undefined : leads.data.next_cursor} rowCount={leads.data.items.length} label="Leads pages" />
        </>
      )}
    </>
  );
}
