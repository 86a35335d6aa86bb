import { useId, useState, type SubmitEvent } from "react";

import { FilterActions } from "@/components/filter-actions";
import { CheckboxGroup } from "@/components/ui/checkbox-group";
import { Input, Label, Select } from "@/components/ui/field";

import {
  AGENT_LABELS,
  AGENTS,
  CONVERSATION_STATUSES,
  EMPTY_FILTERS,
  LEAD_OUTCOMES,
  STATUS_LABELS,
  type ConversationFilters,
} from "../api/conversations";

const STATUS_OPTIONS = CONVERSATION_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

function isAgent(value: string): value is ConversationFilters["agent"] {
  return value === "" || (AGENTS as readonly string[]).includes(value);
}

function isLeadOutcome(value: string): value is ConversationFilters["lead"] {
  return value === "" || (LEAD_OUTCOMES as readonly string[]).includes(value);
}

/** Remount with `key` when the URL changes so the form shows what is applied. */
export function ConversationsFilters({ filters, onApply }: { filters: ConversationFilters; onApply: (filters: ConversationFilters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filters);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(draft);
  }

  return (
    <form role="search" aria-label="Filter conversations" onSubmit={submit} className="mb-4 space-y-4 rounded-lg border bg-card p-4 shadow-xs">
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-q`}>Search</Label>
        <Input
          id={`${id}-q`}
          type="search"
          maxLength={200}
          value={draft.q}
          aria-describedby={`${id}-q-hint`}
          onChange={(event) => {
            setDraft({ ...draft, q: event.target.value });
          }}
        />
        <p id={`${id}-q-hint`} className="text-xs text-muted-foreground">
          The homeowner&apos;s name, city or ZIP, for chats that became a lead.
        </p>
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-5">
        <div className="xl:col-span-2">
          <CheckboxGroup
            legend="Status"
            name="status"
            options={STATUS_OPTIONS}
            selected={draft.status}
            onChange={(status) => {
              setDraft({ ...draft, status });
            }}
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-agent`}>Advisor</Label>
          <Select
            id={`${id}-agent`}
            value={draft.agent}
            onChange={(event) => {
              if (isAgent(event.target.value)) setDraft({ ...draft, agent: event.target.value });
            }}
          >
            <option value="">Any</option>
            {AGENTS.map((agent) => (
              <option key={agent} value={agent}>
                {AGENT_LABELS[agent]}
              </option>
            ))}
          </Select>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-lead`}>Became a lead</Label>
          <Select
            id={`${id}-lead`}
            value={draft.lead}
            onChange={(event) => {
              if (isLeadOutcome(event.target.value)) setDraft({ ...draft, lead: event.target.value });
            }}
          >
            <option value="">Either</option>
            <option value="yes">Yes</option>
            <option value="no">No</option>
          </Select>
        </div>
        <div className="grid grid-cols-2 gap-2">
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-from`}>From</Label>
            <Input
              id={`${id}-from`}
              type="date"
              value={draft.from}
              onChange={(event) => {
                setDraft({ ...draft, from: event.target.value });
              }}
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-to`}>To</Label>
            <Input
              id={`${id}-to`}
              type="date"
              value={draft.to}
              onChange={(event) => {
                setDraft({ ...draft, to: event.target.value });
              }}
            />
          </div>
        </div>
      </div>
      <FilterActions
        onClear={() => {
          onApply(EMPTY_FILTERS);
        }}
      />
    </form>
  );
}
