import { Link } from "react-router";

import type { components } from "@/api/schema";
import { DetailList } from "@/components/detail-list";
import { formatDateTime, humanize } from "@/lib/format";

type Consent = components["schemas"]["ConsentOut"];

/** Proof of consent: the exact disclosure shown, its version, when, and from which address and browser. */
export function ConsentRecords({ consents }: { consents: readonly Consent[] }) {
  if (consents.length === 0) return <p className="text-sm text-muted-foreground">No consent on record.</p>;
  return (
    <ol className="space-y-6">
      {consents.map((consent) => (
        <li key={consent.id} className="space-y-3">
          <DetailList
            items={[
              ["Given", <time dateTime={consent.given_at}>{formatDateTime(consent.given_at)}</time>],
              ["Through", humanize(consent.source)],
              ["Disclosure version", <code className="font-mono text-xs break-all">{consent.disclosure_version}</code>],
              ["IP address", consent.ip ?? "–"],
              ["User agent", <span className="text-xs break-all">{consent.user_agent ?? "–"}</span>],
              [
                "Conversation",
                consent.conversation_id ? (
                  <Link to={`/conversations/${consent.conversation_id}`} className="underline underline-offset-2">
                    Open the chat
                  </Link>
                ) : (
                  "–"
                ),
              ],
            ]}
          />
          <figure>
            <figcaption className="mb-1 text-xs font-medium text-muted-foreground">Disclosure shown</figcaption>
            <blockquote className="rounded-md border-l-4 border-accent bg-muted px-3 py-2 text-sm whitespace-pre-wrap">
              {consent.disclosure_text}
            </blockquote>
          </figure>
        </li>
      ))}
    </ol>
  );
}
