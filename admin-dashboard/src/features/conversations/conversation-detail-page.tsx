import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import { Link, useParams } from "react-router";

import { DetailList } from "@/components/detail-list";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Transcript } from "@/components/transcript";
import { Section } from "@/components/ui/section";
import { formatDateTime, humanize } from "@/lib/format";

import { AGENT_LABELS, conversationDetailQueryOptions, STATUS_LABELS, type ConversationDetail } from "./api/conversations";

// Answers the advisor stores as codes (`single_family`), not the homeowner's own words.
const CODE = /^[a-z]+(?:_[a-z0-9]+)*$/;

/** A slot value as plain text (codes in words, yes/no, lists and objects as JSON). */
function slotText(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string") return CODE.test(value) ? humanize(value) : value;
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

function ConversationView({ conversation }: { conversation: ConversationDetail }) {
  const slots = Object.entries(conversation.slots);
  const utm = Object.entries(conversation.utm).map(([key, value]) => `${key}=${String(value)}`);
  const status = conversation.status in STATUS_LABELS ? STATUS_LABELS[conversation.status as keyof typeof STATUS_LABELS] : conversation.status;
  const agent = conversation.agent in AGENT_LABELS ? AGENT_LABELS[conversation.agent as keyof typeof AGENT_LABELS] : conversation.agent;

  return (
    <>
      <PageHeader
        title={`Conversation of ${formatDateTime(conversation.created_at)}`}
        description={
          <>
            <code className="font-mono text-xs">{conversation.id}</code>
          </>
        }
      />
      {conversation.pii_masked ? (
        <p className="mb-4 rounded-md border bg-muted px-3 py-2 text-sm">Contact details are masked for your role.</p>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Section title="Transcript" description={`${conversation.message_count} messages`}>
          <Transcript messages={conversation.messages} />
        </Section>
        <div className="space-y-6">
          <Section title="Summary">
            <DetailList
              items={[
                ["Status", status],
                ["Advisor", agent],
                ["Language", conversation.language],
                ["Waiting for", conversation.awaiting ? humanize(conversation.awaiting) : "–"],
                ["Started", formatDateTime(conversation.created_at)],
                ["Completed", formatDateTime(conversation.completed_at)],
                [
                  "Lead",
                  conversation.lead_id ? (
                    <Link to={`/leads/${conversation.lead_id}`} className="underline underline-offset-2">
                      Open the lead
                    </Link>
                  ) : (
                    "None yet"
                  ),
                ],
                ["Source", conversation.source ? humanize(conversation.source) : "–"],
                ["Campaign", utm.length ? <span className="font-mono text-xs break-all">{utm.join(" ")}</span> : "–"],
                ["IP address", conversation.ip ?? "–"],
                ["User agent", <span className="text-xs break-all">{conversation.user_agent ?? "–"}</span>],
              ]}
            />
          </Section>
          <Section title="What the advisor learned">
            {slots.length === 0 ? (
              <p className="text-sm text-muted-foreground">Nothing yet.</p>
            ) : (
              <DetailList items={slots.map(([key, value]) => [humanize(key), slotText(value)] as [string, string])} />
            )}
          </Section>
        </div>
      </div>
    </>
  );
}

export function ConversationDetailPage() {
  const { conversationId = "" } = useParams();
  const conversation = useQuery(conversationDetailQueryOptions(conversationId));
  return (
    <>
      <Link to="/conversations" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft aria-hidden="true" className="size-4" />
        Back to conversations
      </Link>
      {conversation.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading the conversation…
        </p>
      ) : conversation.isError ? (
        <>
          <PageHeader title="Conversation" />
          <ErrorNotice error={conversation.error} title="The conversation could not be loaded." />
        </>
      ) : (
        <ConversationView conversation={conversation.data} />
      )}
    </>
  );
}
