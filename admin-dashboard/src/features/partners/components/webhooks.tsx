import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent } from "react";

import { ErrorNotice } from "@/components/error-notice";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { describeError } from "@/lib/describe-error";
import { formatDateTime } from "@/lib/format";

import {
  deliveriesQueryOptions,
  enableEndpoint,
  endpointsQueryOptions,
  partnerKeys,
  redeliver,
  replayEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "../api/partners";

const DELIVERY_TONES = { delivered: "success", pending: "neutral", held: "warning" } as const;

function EndpointCard({ endpoint, partnerId, canChange, onMessage }: { endpoint: WebhookEndpoint; partnerId: string; canChange: boolean; onMessage: (text: string) => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [since, setSince] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: partnerKeys.detail(partnerId) });
  const replay = useMutation({
    mutationFn: (iso: string) => replayEndpoint(endpoint.id, iso),
    onSuccess: async (result) => {
      onMessage(`${endpoint.url}: ${String(result.queued)} deliveries queued again.`);
      await refresh();
    },
  });
  const enable = useMutation({
    mutationFn: () => enableEndpoint(endpoint.id),
    onSuccess: async (result) => {
      onMessage(`${endpoint.url} is enabled again; ${String(result.released)} held deliveries released.`);
      await refresh();
    },
  });
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!since) return;
    replay.mutate(new Date(since).toISOString());
  }
  const error = replay.error ?? enable.error;
  return (
    <li className="rounded-md border p-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-xs break-all">{endpoint.url}</span>
        <Badge tone={endpoint.status === "active" ? "success" : "danger"}>{endpoint.status === "active" ? "Active" : "Disabled"}</Badge>
        {endpoint.held_deliveries > 0 ? <Badge tone="warning">{endpoint.held_deliveries} held</Badge> : null}
      </div>
      <p className="mt-1 text-xs text-muted-foreground">
        {endpoint.event_types.join(", ")}
        {endpoint.disabled_reason ? ` · disabled: ${endpoint.disabled_reason}` : ""}
      </p>
      {canChange ? (
        <div className="mt-2 flex flex-wrap items-end gap-3">
          {endpoint.status !== "active" ? (
            <Button size="sm" disabled={enable.isPending} onClick={() => { enable.mutate(); }}>
              Re-enable
            </Button>
          ) : null}
          <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label={`Replay deliveries to ${endpoint.url}`}>
            <div className="space-y-1">
              <Label htmlFor={`${id}-since`} className="text-xs">Replay since</Label>
              <Input id={`${id}-since`} type="datetime-local" required className="w-56" value={since} onChange={(event) => { setSince(event.target.value); }} />
            </div>
            <Button type="submit" size="sm" variant="outline" disabled={replay.isPending || !since}>
              Replay
            </Button>
          </form>
        </div>
      ) : null}
      {error ? <p role="alert" className="mt-1 text-xs text-destructive">{describeError(error)}</p> : null}
    </li>
  );
}

function DeliveryRow({ delivery, canChange, onMessage, partnerId }: { delivery: WebhookDelivery; canChange: boolean; onMessage: (text: string) => void; partnerId: string }) {
  const queryClient = useQueryClient();
  const again = useMutation({
    mutationFn: () => redeliver(delivery.id),
    onSuccess: async () => {
      onMessage(`${delivery.id} sent again.`);
      await queryClient.invalidateQueries({ queryKey: partnerKeys.deliveries(partnerId) });
    },
  });
  const last = delivery.attempt_log.at(-1);
  return (
    <tr className="border-b last:border-b-0">
      <th scope="row" className="py-2 pr-4 pl-4 font-normal">
        {formatDateTime(delivery.created_at)}
        <p className="font-mono text-xs text-muted-foreground">{delivery.id}</p>
      </th>
      <td data-label="Event" className="py-2 pr-4">{delivery.event_type}</td>
      <td data-label="Status" className="py-2 pr-4">
        <Badge tone={delivery.status in DELIVERY_TONES ? DELIVERY_TONES[delivery.status as keyof typeof DELIVERY_TONES] : "neutral"}>{delivery.status}</Badge>
        {delivery.held_reason ? <p className="text-xs text-muted-foreground">{delivery.held_reason}</p> : null}
      </td>
      <td data-label="Attempts" className="py-2 pr-4 tabular-nums">
        {delivery.attempts}
        {last ? <p className="text-xs text-muted-foreground">{last.status_code ?? "no answer"}{last.latency_ms !== null ? ` · ${String(last.latency_ms)} ms` : ""}{last.error ? ` · ${last.error}` : ""}</p> : null}
      </td>
      <td className="py-2 pr-4 text-right">
        {canChange ? (
          <Button size="sm" variant="outline" aria-label={`Redeliver ${delivery.id}`} disabled={again.isPending} onClick={() => { again.mutate(); }}>
            Redeliver
          </Button>
        ) : null}
        {again.error ? <p role="alert" className="text-xs text-destructive">{describeError(again.error)}</p> : null}
      </td>
    </tr>
  );
}

/** The partner's webhook endpoints (re-enable, replay since a time) and the delivery log (redeliver). */
export function WebhooksSection({ partnerId, canChange }: { partnerId: string; canChange: boolean }) {
  const endpoints = useQuery(endpointsQueryOptions(partnerId));
  const deliveries = useQuery(deliveriesQueryOptions(partnerId));
  const [message, setMessage] = useState<string | null>(null);
  return (
    <Section title="Webhooks" description="Where the partner receives leads, and every delivery with its attempts.">
      <div aria-live="polite" className="mb-2 text-sm text-success empty:mb-0">{message}</div>
      {endpoints.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading endpoints…</p>
      ) : endpoints.isError ? (
        <ErrorNotice error={endpoints.error} title="The endpoints could not be loaded." />
      ) : endpoints.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">No webhook endpoints: the partner pulls leads through the API.</p>
      ) : (
        <ul className="mb-4 space-y-2">
          {endpoints.data.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} partnerId={partnerId} canChange={canChange} onMessage={setMessage} />
          ))}
        </ul>
      )}
      {deliveries.isSuccess && deliveries.data.items.length > 0 ? (
        <div className="overflow-x-auto rounded-md border">
          <table className="stack-table w-full text-left text-sm">
            <caption className="sr-only">Webhook deliveries, newest first</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b">
                <th scope="col" className="py-2 pr-4 pl-4 font-medium">Created</th>
                <th scope="col" className="py-2 pr-4 font-medium">Event</th>
                <th scope="col" className="py-2 pr-4 font-medium">Status</th>
                <th scope="col" className="py-2 pr-4 font-medium">Attempts</th>
                <th scope="col" className="py-2 pr-4 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} canChange={canChange} onMessage={setMessage} partnerId={partnerId} />
              ))}
            </tbody>
          </table>
        </div>
      ) : deliveries.isError ? (
        <ErrorNotice error={deliveries.error} title="The delivery log could not be loaded." />
      ) : null}
    </Section>
  );
}
