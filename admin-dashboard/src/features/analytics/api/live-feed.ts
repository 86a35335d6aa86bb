import { useEffect, useState } from "react";

import { apiClient, unwrap } from "@/api/client";
import { config } from "@/config";
import { formatCents } from "@/lib/format";

export interface LiveEvent {
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export const LIVE_TYPES = [
  "lead.created",
  "lead.sold",
  "lead.returned",
  "return.requested",
  "webhook.delivery_failed",
  "webhook.delivery_held",
  "partner.cap_reached",
  "partner.balance_low",
] as const;

export type FeedState = "connecting" | "live" | "reconnecting";

const KEEP = 50;

/**
 * The live feed: a single-use ticket (`POST /admin/events/ticket`, so the access token never
 * goes in a URL), then `EventSource(/admin/events?ticket=...)`. EventSource would reconnect
 * with the spent ticket, so on an error this closes it and starts again with a new ticket and
 * `last_event_id`, after a growing pause (1 s up to 30 s). Newest event first, the last 50.
 */
export function useLiveFeed(): { events: LiveEvent[]; state: FeedState } {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [state, setState] = useState<FeedState>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let lastId: string | null = null;
    let failures = 0;

    function onMessage(message: MessageEvent<string>) {
      try {
        const event = JSON.parse(message.data) as LiveEvent;
        lastId = message.lastEventId || event.id;
        setEvents((current) => (current.some((e) => e.id === event.id) ? current : [event, ...current].slice(0, KEEP)));
      } catch {
        // Not an event (a malformed line): ignore it, the stream goes on.
      }
    }

    function retry() {
      source?.close();
      source = null;
      if (stopped) return;
      setState("reconnecting");
      const delay = Math.min(30_000, 1000 * 2 ** failures);
      failures += 1;
      timer = setTimeout(() => void connect(), delay);
    }

    async function connect() {
      try {
        const { ticket } = await unwrap(apiClient.POST("/api/v1/admin/events/ticket", {}));
        if (stopped) return;
        const url = new URL(`${config.apiUrl}/api/v1/admin/events`, window.location.href);
        url.searchParams.set("ticket", ticket);
        if (lastId) url.searchParams.set("last_event_id", lastId);
        source = new EventSource(url.toString(), { withCredentials: true });
        source.onopen = () => {
          failures = 0;
          setState("live");
        };
        source.onerror = retry;
        for (const type of LIVE_TYPES) source.addEventListener(type, onMessage);
        source.onmessage = onMessage;
      } catch {
        retry();
      }
    }

    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, []);

  return { events, state };
}

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** One event in words; names appear only when the server sent them (analysts get them masked). */
export function describeEvent(event: LiveEvent): string {
  const d = event.data;
  const who = [text(d.first_name), text(d.last_name)].filter(Boolean).join(" ") || "A homeowner";
  const where = [text(d.city), text(d.state)].filter(Boolean).join(", ");
  const price = typeof d.price_cents === "number" ? formatCents(d.price_cents) : "";
  switch (event.type) {
    case "lead.created":
      return `New lead: ${who}${where ? ` in ${where}` : ""}${d.tier ? `, tier ${text(d.tier)}` : ""}.`;
    case "lead.sold":
      return `Lead sold to ${text(d.partner_name) || "a partner"}${price ? ` for ${price}` : ""}${d.exclusive === true ? " (exclusive)" : d.exclusive === false ? " (shared)" : ""}.`;
    case "lead.returned":
      return `Return accepted from ${text(d.partner_name) || "a partner"}${typeof d.credit_cents === "number" ? `: ${formatCents(d.credit_cents)} credited` : ""}.`;
    case "return.requested":
      return `${text(d.partner_name) || "A partner"} asked to return a lead${d.reason ? ` (${text(d.reason)})` : ""}.`;
    case "webhook.delivery_failed":
      return `A webhook delivery to ${text(d.partner_name) || "a partner"} failed.`;
    case "webhook.delivery_held":
      return `Webhook deliveries to ${text(d.partner_name) || "a partner"} are held.`;
    case "partner.cap_reached":
      return `${text(d.partner_name) || "A partner"} reached its ${text(d.period) || ""} cap.`.replace("  ", " ");
    case "partner.balance_low":
      return `${text(d.partner_name) || "A partner"} is low on balance.`;
    default:
      return event.type;
  }
}
