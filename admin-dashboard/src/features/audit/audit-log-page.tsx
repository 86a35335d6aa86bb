import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";

import { CursorPager } from "@/components/cursor-pager";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Label, Select } from "@/components/ui/field";
import { firstPageParams } from "@/lib/cursor-pagination";
import { formatDateTime } from "@/lib/format";
import { writeParam } from "@/lib/search-params";
import { cn } from "@/lib/utils";

import { auditLogQueryOptions, DEFAULT_PAGE_SIZE, EMPTY_FILTERS, PAGE_SIZES, readAuditView, writeAuditFilters, type AuditEntry, type AuditFilters } from "./api/audit";
import { AuditFiltersForm } from "./components/audit-filters";

/** Links that narrow the log to one actor or target, keeping the rest of the filters. */
function useFilterLink() {
  const [params] = useSearchParams();
  return (change: Partial<AuditFilters>) => {
    const current = readAuditView(params).filters;
    return { search: firstPageParams(writeAuditFilters(params, { ...current, ...change })).toString() };
  };
}

function Target({ entry }: { entry: AuditEntry }) {
  if (!entry.target_type) return <>–</>;
  const id = entry.target_id;
  return (
    <>
      <span className="text-muted-foreground">{entry.target_type}</span>
      {id ? (
        <>
          {" "}
          {entry.target_type === "lead" ? (
            <Link to={`/leads/${id}`} className="font-mono text-xs break-all underline underline-offset-2">
              {id}
            </Link>
          ) : (
            <span className="font-mono text-xs break-all">{id}</span>
          )}
        </>
      ) : null}
    </>
  );
}

function AuditTable({ entries, busy }: { entries: readonly AuditEntry[]; busy: boolean }) {
  const filterLink = useFilterLink();
  return (
    <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
      <table aria-busy={busy} className={cn("w-full text-left text-sm", busy && "opacity-60")}>
        <caption className="sr-only">Audit log entries, newest first</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 pl-4 font-medium">Time</th>
            <th scope="col" className="py-2 pr-4 font-medium">Actor</th>
            <th scope="col" className="py-2 pr-4 font-medium">Action</th>
            <th scope="col" className="py-2 pr-4 font-medium">Target</th>
            <th scope="col" className="py-2 pr-4 font-medium">IP address</th>
            <th scope="col" className="py-2 pr-4 font-medium">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const hasDetails = Object.keys(entry.details).length > 0;
            return (
              <tr key={entry.id} className="border-b align-top last:border-b-0">
                <th scope="row" className="py-2 pr-4 pl-4 font-normal whitespace-nowrap">
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                </th>
                <td className="py-2 pr-4">
                  {entry.actor_email ? (
                    <Link to={filterLink({ actor: entry.actor_email })} className="break-words underline-offset-2 hover:underline">
                      {entry.actor_email}
                    </Link>
                  ) : (
                    "–"
                  )}
                </td>
                <td className="py-2 pr-4">
                  <Link to={filterLink({ action: entry.action })} className="font-mono text-xs underline-offset-2 hover:underline">
                    {entry.action}
                  </Link>
                </td>
                <td className="py-2 pr-4">
                  <Target entry={entry} />
                </td>
                <td className="py-2 pr-4 font-mono text-xs whitespace-nowrap">{entry.ip ?? "–"}</td>
                <td className="py-2 pr-4">
                  {hasDetails ? (
                    <details>
                      <summary className="cursor-pointer text-muted-foreground hover:text-foreground">Show</summary>
                      {/* JSON as text: details may quote what a user typed. */}
                      <pre className="mt-1 max-w-md rounded-md bg-muted p-2 font-mono text-xs break-all whitespace-pre-wrap">
                        {JSON.stringify(entry.details, null, 2)}
                      </pre>
                    </details>
                  ) : (
                    "–"
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Who did what, when, from where: newest first, filterable, never editable (admins only). */
export function AuditLogPage() {
  const [params, setParams] = useSearchParams();
  const view = readAuditView(params);
  const log = useQuery(auditLogQueryOptions(view));
  const filtersKey = writeAuditFilters(new URLSearchParams(), view.filters).toString();

  return (
    <>
      <PageHeader title="Audit log" description="Every sign-in, sign-out and admin change. Entries can't be edited or removed." />
      <AuditFiltersForm
        key={filtersKey}
        filters={view.filters}
        onApply={(filters) => {
          setParams(firstPageParams(writeAuditFilters(params, filters)));
        }}
      />
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted-foreground">
          {filtersKey === writeAuditFilters(new URLSearchParams(), EMPTY_FILTERS).toString() ? "All entries." : "Filtered entries."}
        </p>
        <div className="flex items-center gap-2">
          <Label htmlFor="audit-page-size" className="text-sm font-normal text-muted-foreground">
            Rows per page
          </Label>
          <Select
            id="audit-page-size"
            className="w-24"
            value={String(view.limit)}
            onChange={(event) => {
              const next = firstPageParams(params);
              writeParam(next, "limit", event.target.value === String(DEFAULT_PAGE_SIZE) ? null : event.target.value);
              setParams(next);
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
      {log.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading the audit log…
        </p>
      ) : log.isError ? (
        <ErrorNotice error={log.error} title="The audit log could not be loaded." />
      ) : log.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No entries match these filters.</p>
      ) : (
        <>
          <AuditTable entries={log.data.items} busy={log.isPlaceholderData} />
          <CursorPager nextCursor={log.isPlaceholderData ? undefined : log.data.next_cursor} rowCount={log.data.items.length} label="Audit log pages" />
        </>
      )}
    </>
  );
}
