import { useId, useState, type SubmitEvent } from "react";

import { FilterActions } from "@/components/filter-actions";
import { FieldHint, Input, Label } from "@/components/ui/field";

import { EMPTY_FILTERS, isValidAction, KNOWN_ACTIONS, KNOWN_TARGET_TYPES, type AuditFilters } from "../api/audit";

/** Remount with `key` when the URL changes so the form shows what is applied. */
export function AuditFiltersForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filters);
  const [actionProblem, setActionProblem] = useState(false);

  function update(key: keyof AuditFilters, value: string) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed: AuditFilters = {
      actor: draft.actor.trim(),
      action: draft.action.trim(),
      targetType: draft.targetType.trim(),
      targetId: draft.targetId.trim(),
      since: draft.since,
      until: draft.until,
    };
    if (!isValidAction(trimmed.action)) {
      setActionProblem(true);
      return;
    }
    setActionProblem(false);
    onApply(trimmed);
  }

  return (
    <form role="search" aria-label="Filter the audit log" onSubmit={submit} className="mb-4 space-y-4 rounded-lg border bg-card p-4 shadow-xs">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-actor`}>Actor email</Label>
          <Input
            id={`${id}-actor`}
            type="email"
            value={draft.actor}
            maxLength={254}
            onChange={(event) => {
              update("actor", event.target.value);
            }}
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-action`}>Action</Label>
          <Input
            id={`${id}-action`}
            list={`${id}-actions`}
            value={draft.action}
            placeholder="e.g. lead.update"
            aria-invalid={actionProblem || undefined}
            aria-describedby={`${id}-action-hint`}
            onChange={(event) => {
              update("action", event.target.value);
            }}
          />
          <datalist id={`${id}-actions`}>
            {KNOWN_ACTIONS.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <FieldHint id={`${id}-action-hint`} className={actionProblem ? "text-destructive" : undefined}>
            An action (<code>lead.update</code>) or a family (<code>auth</code>).
          </FieldHint>
        </div>
        <div className="grid grid-cols-2 gap-2">
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-target-type`}>Target type</Label>
            <Input
              id={`${id}-target-type`}
              list={`${id}-target-types`}
              value={draft.targetType}
              maxLength={32}
              onChange={(event) => {
                update("targetType", event.target.value);
              }}
            />
            <datalist id={`${id}-target-types`}>
              {KNOWN_TARGET_TYPES.map((type) => (
                <option key={type} value={type} />
              ))}
            </datalist>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-target-id`}>Target id</Label>
            <Input
              id={`${id}-target-id`}
              value={draft.targetId}
              maxLength={64}
              onChange={(event) => {
                update("targetId", event.target.value);
              }}
            />
          </div>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-since`}>From</Label>
          <Input
            id={`${id}-since`}
            type="datetime-local"
            value={draft.since}
            onChange={(event) => {
              update("since", event.target.value);
            }}
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-until`}>Until</Label>
          <Input
            id={`${id}-until`}
            type="datetime-local"
            value={draft.until}
            onChange={(event) => {
              update("until", event.target.value);
            }}
          />
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
