import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";

import { CursorPager } from "@/components/cursor-pager";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Label, Select } from "@/components/ui/field";
import { readCursorPage, firstPageParams } from "@/lib/cursor-pagination";
import { readEnum, readString, writeParam } from "@/lib/search-params";

import { partnerListQueryOptions, salesQueryOptions } from "../partners/api/partners";
import { SalesTable } from "./sales-table";

const UUID = /^[0-9a-f-]{36}$/i;

/** Every sale, newest first: the buyer, the lead, the price, exclusive or shared. */
export function SalesPage() {
  const [params, setParams] = useSearchParams();
  const filters = {
    partner_id: readString(params, "partner_id", UUID) || undefined,
    mode: readEnum(params, "mode", ["", "exclusive", "shared"], ""),
    cursor: readCursorPage(params).cursor,
  };
  const sales = useQuery({ ...salesQueryOptions(filters), placeholderData: keepPreviousData });
  const partners = useQuery(partnerListQueryOptions({ status: "", q: "" }));

  function setFilter(key: string, value: string) {
    const next = firstPageParams(params);
    writeParam(next, key, value);
    setParams(next);
  }

  return (
    <>
      <PageHeader title="Sales" description="Who bought each lead, when, for how much, and whether it was exclusive or shared." />
      <div className="mb-3 flex flex-wrap gap-3" role="group" aria-label="Filter sales">
        <div className="flex items-center gap-2">
          <Label htmlFor="sales-partner" className="text-sm font-normal text-muted-foreground">Buyer</Label>
          <Select id="sales-partner" className="w-52" value={filters.partner_id ?? ""} onChange={(event) => { setFilter("partner_id", event.target.value); }}>
            <option value="">Any partner</option>
            {partners.data?.items.map((partner) => (
              <option key={partner.id} value={partner.id}>{partner.name}</option>
            ))}
          </Select>
        </div>
        <div className="flex items-center gap-2">
          <Label htmlFor="sales-mode" className="text-sm font-normal text-muted-foreground">Sold as</Label>
          <Select id="sales-mode" className="w-36" value={filters.mode} onChange={(event) => { setFilter("mode", event.target.value); }}>
            <option value="">Either</option>
            <option value="exclusive">Exclusive</option>
            <option value="shared">Shared</option>
          </Select>
        </div>
      </div>
      {sales.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading sales…</p>
      ) : sales.isError ? (
        <ErrorNotice error={sales.error} title="The sales could not be loaded." />
      ) : sales.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No sales match these filters.</p>
      ) : (
        <>
          <SalesTable sales={sales.data.items} caption="Sales, newest first" />
          <CursorPager nextCursor={sales.data.next_cursor} rowCount={sales.data.items.length} label="Sales pages" />
        </>
      )}
    </>
  );
}
