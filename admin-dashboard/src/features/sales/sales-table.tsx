import { Link } from "react-router";

import { Badge } from "@/components/ui/badge";
import { formatCents, formatDateTime } from "@/lib/format";

import type { Sale } from "../partners/api/partners";

/** Sales: who bought which lead, when, for how much, exclusive or shared. */
export function SalesTable({ sales, caption, showPartner = true, showLead = true }: { sales: readonly Sale[]; caption: string; showPartner?: boolean; showLead?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
      <table className="stack-table w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 pl-4 font-medium">Sold</th>
            {showPartner ? <th scope="col" className="py-2 pr-4 font-medium">Buyer</th> : null}
            {showLead ? <th scope="col" className="py-2 pr-4 font-medium">Lead</th> : null}
            <th scope="col" className="py-2 pr-4 text-right font-medium">Price</th>
            <th scope="col" className="py-2 pr-4 font-medium">Sold as</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
          </tr>
        </thead>
        <tbody>
          {sales.map((sale) => (
            <tr key={sale.id} className="border-b last:border-b-0">
              <th scope="row" className="py-2 pr-4 pl-4 font-normal">
                <time dateTime={sale.sold_at}>{formatDateTime(sale.sold_at)}</time>
              </th>
              {showPartner ? (
                <td data-label="Buyer" className="py-2 pr-4">
                  <Link to={`/partners/${sale.partner.id}`} className="underline-offset-2 hover:underline">
                    {sale.partner.name}
                  </Link>
                </td>
              ) : null}
              {showLead ? (
                <td data-label="Lead" className="py-2 pr-4">
                  <Link to={`/leads/${sale.lead.id}`} className="underline-offset-2 hover:underline">
                    {sale.lead.first_name} {sale.lead.last_name}
                  </Link>
                  <p className="text-xs text-muted-foreground">
                    {sale.lead.city ? `${sale.lead.city}, ` : ""}
                    {sale.lead.state} · tier {sale.tier}
                  </p>
                </td>
              ) : null}
              <td data-label="Price" className="py-2 pr-4 text-right tabular-nums">{formatCents(sale.price_cents)}</td>
              <td data-label="Sold as" className="py-2 pr-4">
                {sale.mode === "exclusive" ? "Exclusive" : `Shared (${String(sale.buyers)} buyers)`}
              </td>
              <td data-label="Status" className="py-2 pr-4">
                {sale.status === "returned" ? <Badge tone="warning">Returned</Badge> : sale.return_status === "pending" ? <Badge tone="warning">Return pending</Badge> : <Badge tone="success">Active</Badge>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
