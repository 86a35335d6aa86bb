import type { components } from "@/api/schema";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

export type TranscriptMessage = components["schemas"]["TranscriptMessage"];

const SPEAKERS: Record<string, string> = { user: "Homeowner", assistant: "Advisor", system: "System" };

/**
 * A chat transcript. Messages are the homeowner's own words: rendered as React text (never
 * HTML), with their line breaks kept.
 */
export function Transcript({ messages, label = "Transcript" }: { messages: readonly TranscriptMessage[]; label?: string }) {
  if (messages.length === 0) return <p className="text-sm text-muted-foreground">No messages.</p>;
  return (
    <ol aria-label={label} className="space-y-3">
      {messages.map((message) => {
        const fromHomeowner = message.role === "user";
        return (
          <li
            key={message.seq}
            className={cn(
              "max-w-[min(42rem,90%)] rounded-lg border px-3 py-2 text-sm",
              fromHomeowner ? "ml-auto bg-muted" : "bg-card",
            )}
          >
            <p className="mb-1 flex flex-wrap gap-x-2 text-xs text-muted-foreground">
              <span className="font-medium text-foreground">{SPEAKERS[message.role] ?? message.role}</span>
              <time dateTime={message.created_at}>{formatDateTime(message.created_at)}</time>
            </p>
            <p className="break-words whitespace-pre-wrap">{message.content}</p>
          </li>
        );
      })}
    </ol>
  );
}
