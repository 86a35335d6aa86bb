import { useQuery } from "@tanstack/react-query";

import { ErrorNotice } from "@/components/error-notice";
import { Section } from "@/components/ui/section";
import { formatCents } from "@/lib/format";

import { salesQueryOptions } from "../partners/api/partners";
import { SalesTable } from "./sales-table";

/** On a lead's page: who bought it, for how much, exclusive or shared. */
export function LeadBuyers({ leadId }: { leadId: string }) {
  const sales = useQuery(salesQueryOptions({ lead_id: leadId }));
  const total = sales.data?.items.reduce((sum, sale) => sum + (sale.status === "active" ? sale.price_cents : 0), 0) ?? 0;
  return (
    <Section title="Buyers" className="xl:col-span-2" description={sales.data?.items.length ? `Sold for ${formatCents(total)} in all (returned sales not counted).` : undefined}>
      {sales.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading the buyers…</p>
      ) : sales.isError ? (
        <ErrorNotice error={sales.error} title="The buyers could not be loaded." />
      ) : sales.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">Not sold.</p>
      ) : (
        <SalesTable sales={sales.data.items} caption="Who bought this lead" showLead={false} />
      )}
    </Section>
  );
}
