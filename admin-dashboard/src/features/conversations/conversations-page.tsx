import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";

import { CursorPager } from "@/components/cursor-pager";
import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Label, Select } from "@/components/ui/field";
import { firstPageParams } from "@/lib/cursor-pagination";
import { formatDateTime, humanize } from "@/lib/format";
import { writeParam } from "@/lib/search-params";
import { cn } from "@/lib/utils";

import {
  AGENT_LABELS,
  conversationListQueryOptions,
  readConversationListView,
  STATUS_LABELS,
  writeConversationFilters,
  type ConversationFilters,
  type ConversationSummary,
} from "./api/conversations";
import { ConversationsFilters } from "./components/conversations-filters";

function label<Key extends string>(labels: Record<Key, string>, value: string): string {
  return value in labels ? labels[value as Key] : value;
}

function ConversationsTable({ conversations, busy }: { conversations: readonly ConversationSummary[]; busy: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
      <table aria-busy={busy} className={cn("stack-table w-full text-left text-sm", busy && "opacity-60")}>
        <caption className="sr-only">Conversations</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 pl-4 font-medium">Started</th>
            <th scope="col" className="py-2 pr-4 font-medium">Homeowner</th>
            <th scope="col" className="py-2 pr-4 font-medium">ZIP</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            <th scope="col" className="py-2 pr-4 font-medium">Advisor</th>
            <th scope="col" className="py-2 pr-4 font-medium">Messages</th>
            <th scope="col" className="py-2 pr-4 font-medium">Waiting for</th>
            <th scope="col" className="py-2 pr-4 font-medium">Lead</th>
            <th scope="col" className="py-2 pr-4 font-medium">Source</th>
          </tr>
        </thead>
        <tbody>
          {conversations.map((conversation) => (
            <tr key={conversation.id} className="border-b last:border-b-0 hover:bg-muted/50">
              <th scope="row" className="py-2 pr-4 pl-4 font-medium whitespace-nowrap">
                <Link to={`/conversations/${conversation.id}`} className="underline-offset-2 hover:underline">
                  {formatDateTime(conversation.created_at)}
                </Link>
              </th>
              <td data-label="Homeowner" className="py-2 pr-4">
                {conversation.first_name ? `${conversation.first_name} ${conversation.last_name ?? ""}`.trim() : "–"}
              </td>
              <td data-label="ZIP" className="py-2 pr-4 tabular-nums">{conversation.zip_code ?? "–"}</td>
              <td data-label="Status" className="py-2 pr-4">
                <Badge tone={conversation.status === "completed" ? "success" : "neutral"}>
                  {label(STATUS_LABELS, conversation.status)}
                </Badge>
              </td>
              <td data-label="Advisor" className="py-2 pr-4">{label(AGENT_LABELS, conversation.agent)}</td>
              <td data-label="Messages" className="py-2 pr-4 tabular-nums">{conversation.message_count}</td>
              <td data-label="Waiting for" className="py-2 pr-4">{conversation.awaiting ? humanize(conversation.awaiting) : "–"}</td>
              <td data-label="Lead" className="py-2 pr-4">
                {conversation.lead_id ? (
                  <Link to={`/leads/${conversation.lead_id}`} className="underline underline-offset-2">
                    Open lead
                  </Link>
                ) : (
                  "–"
                )}
              </td>
              <td data-label="Source" className="py-2 pr-4">{conversation.source ? humanize(conversation.source) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Chats with the advisor, newest first; filters, sort and page in the URL. */
export function ConversationsPage() {
  const [params, setParams] = useSearchParams();
  const view = readConversationListView(params);
  const conversations = useQuery(conversationListQueryOptions(view));

  function applyFilters(filters: ConversationFilters) {
    setParams(firstPageParams(writeConversationFilters(params, filters)));
  }

  const filtersKey = writeConversationFilters(new URLSearchParams(), view.filters).toString();

  return (
    <>
      <PageHeader title="Conversations" description="Homeowners' chats with the solar advisor." />
      <ConversationsFilters key={filtersKey} filters={view.filters} onApply={applyFilters} />
      <div className="mb-3 flex justify-end">
        <div className="flex items-center gap-2">
          <Label htmlFor="conversations-sort" className="text-sm font-normal text-muted-foreground">
            Order
          </Label>
          <Select
            id="conversations-sort"
            className="w-36"
            value={view.sort}
            onChange={(event) => {
              const next = firstPageParams(params);
              writeParam(next, "sort", event.target.value === "-created_at" ? null : event.target.value);
              setParams(next);
            }}
          >
            <option value="-created_at">Newest first</option>
            <option value="created_at">Oldest first</option>
          </Select>
        </div>
      </div>
      {conversations.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading conversations…
        </p>
      ) : conversations.isError ? (
        <ErrorNotice error={conversations.error} title="The conversations could not be loaded." />
      ) : conversations.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No conversations match these filters.</p>
      ) : (
        <>
          <ConversationsTable conversations={conversations.data.items} busy={conversations.isPlaceholderData} />
          <CursorPager
            nextCursor={conversations.isPlaceholderData ? undefined : conversations.data.next_cursor}
            rowCount={conversations.data.items.length}
            label="Conversations pages"
          />
        </>
      )}
    </>
  );
}
