import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent } from "react";

import { ErrorNotice } from "@/components/error-notice";
import { Button } from "@/components/ui/button";
import { FieldHint, Input, Label, Select } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { describeError } from "@/lib/describe-error";
import { formatCents, formatDateTime, humanize } from "@/lib/format";

import { dollarsToCents, ledgerQueryOptions, partnerKeys, postLedgerEntry } from "../api/partners";

/** Money in and out, newest first, with a top-up (or correction) form for managers. */
export function LedgerSection({ partnerId, canChange }: { partnerId: string; canChange: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const ledger = useQuery(ledgerQueryOptions(partnerId));
  const [kind, setKind] = useState<"topup" | "adjustment">("topup");
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const post = useMutation({
    mutationFn: (amountCents: number) => postLedgerEntry(partnerId, { kind, amount_cents: amountCents, note: note.trim() || null }),
    onSuccess: async (entry) => {
      setAmount("");
      setNote("");
      setDone(`Recorded ${formatCents(entry.amount_cents)}; the balance is now ${formatCents(entry.balance_after_cents)}.`);
      await queryClient.invalidateQueries({ queryKey: partnerKeys.detail(partnerId) });
      await queryClient.invalidateQueries({ queryKey: [...partnerKeys.all, "list"] });
    },
  });
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const negative = kind === "adjustment" && amount.trim().startsWith("-");
    const cents = dollarsToCents(negative ? amount.trim().slice(1) : amount);
    if (cents === undefined || cents === null || cents === 0) {
      setProblem("Enter an amount in dollars, like 500 or 499.99.");
      return;
    }
    setProblem(null);
    post.mutate(negative ? -cents : cents);
  }
  return (
    <Section title="Ledger" description={ledger.data ? `Balance ${formatCents(ledger.data.balance_cents)}: the sum of these entries.` : undefined}>
      {canChange ? (
        <form onSubmit={submit} aria-label="Record money" className="mb-4 flex flex-wrap items-end gap-3">
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-kind`}>Entry</Label>
            <Select id={`${id}-kind`} className="w-40" value={kind} onChange={(event) => { setKind(event.target.value === "adjustment" ? "adjustment" : "topup"); }}>
              <option value="topup">Top-up</option>
              <option value="adjustment">Adjustment</option>
            </Select>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-amount`}>Amount (USD)</Label>
            <Input
              id={`${id}-amount`}
              inputMode="decimal"
              className="w-36"
              value={amount}
              aria-invalid={problem ? true : undefined}
              aria-describedby={`${id}-amount-hint`}
              onChange={(event) => { setAmount(event.target.value); }}
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-note`}>Note</Label>
            <Input id={`${id}-note`} className="w-56" maxLength={500} value={note} onChange={(event) => { setNote(event.target.value); }} />
          </div>
          <Button type="submit" disabled={post.isPending}>Record</Button>
          <FieldHint id={`${id}-amount-hint`} className="w-full">
            Dollars and cents; an adjustment may be negative (-25).
          </FieldHint>
        </form>
      ) : null}
      <div aria-live="polite" className="mb-2 text-sm empty:mb-0">
        {problem ? <p className="text-destructive">{problem}</p> : post.error ? <p className="text-destructive">{describeError(post.error)}</p> : done ? <p className="text-success">{done}</p> : null}
      </div>
      {ledger.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading the ledger…</p>
      ) : ledger.isError ? (
        <ErrorNotice error={ledger.error} title="The ledger could not be loaded." />
      ) : ledger.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No money has moved yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="stack-table w-full text-left text-sm">
            <caption className="sr-only">Ledger entries, newest first</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b">
                <th scope="col" className="py-2 pr-4 pl-4 font-medium">When</th>
                <th scope="col" className="py-2 pr-4 font-medium">Entry</th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">Amount</th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">Balance after</th>
                <th scope="col" className="py-2 pr-4 font-medium">Note</th>
              </tr>
            </thead>
            <tbody>
              {ledger.data.items.map((entry) => (
                <tr key={entry.id} className="border-b last:border-b-0">
                  <th scope="row" className="py-2 pr-4 pl-4 font-normal">{formatDateTime(entry.created_at)}</th>
                  <td data-label="Entry" className="py-2 pr-4">{humanize(entry.kind)}</td>
                  <td data-label="Amount" className="py-2 pr-4 text-right tabular-nums">{formatCents(entry.amount_cents)}</td>
                  <td data-label="Balance after" className="py-2 pr-4 text-right tabular-nums">{formatCents(entry.balance_after_cents)}</td>
                  <td data-label="Note" className="py-2 pr-4">{entry.note ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
