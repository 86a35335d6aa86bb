import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { formatDateTime } from "@/lib/format";

import { describeEvent, useLiveFeed } from "../api/live-feed";

const STATE_LABEL = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" } as const;

/** What happens now, newest first. New entries are announced politely to screen readers. */
export function LiveFeed() {
  const { events, state } = useLiveFeed();
  return (
    <Section title="Live" actions={
        <span data-feed-state={state}>
          <Badge tone={state === "live" ? "success" : "warning"}>{STATE_LABEL[state]}</Badge>
        </span>
      }>
      <ol aria-live="polite" aria-relevant="additions" aria-label="Live events, newest first" className="max-h-96 space-y-2 overflow-y-auto text-sm">
        {events.map((event) => (
          <li key={event.id} data-type={event.type} className="border-b pb-2 last:border-b-0">
            <p>{describeEvent(event)}</p>
            <p className="text-xs text-muted-foreground">
              <time dateTime={event.at}>{formatDateTime(event.at)}</time>
            </p>
          </li>
        ))}
      </ol>
      {events.length === 0 ? <p className="text-sm text-muted-foreground">Nothing yet: new leads, sales and returns appear here as they happen.</p> : null}
    </Section>
  );
}
