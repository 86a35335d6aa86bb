import { useId, useState, type SubmitEvent } from "react";

import { FilterActions } from "@/components/filter-actions";
import { CheckboxGroup } from "@/components/ui/checkbox-group";
import { FieldHint, Input, Label } from "@/components/ui/field";
import { splitStates } from "@/lib/us-states";

import {
  EMPTY_FILTERS,
  LEAD_SOURCES,
  LEAD_STATUSES,
  LEAD_TIERS,
  parseStates,
  SOURCE_LABELS,
  STATUS_LABELS,
  type LeadFilters,
} from "../api/leads";

const STATUS_OPTIONS = LEAD_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));
const TIER_OPTIONS = LEAD_TIERS.map((value) => ({ value, label: value }));
const SOURCE_OPTIONS = LEAD_SOURCES.map((value) => ({ value, label: SOURCE_LABELS[value] }));

interface LeadsFiltersProps {
  /** The filters in the URL; the form edits a copy and writes it back on Apply. */
  filters: LeadFilters;
  onApply: (filters: LeadFilters) => void;
  /** Search covers contact details only for roles that see them. */
  searchHint: string;
}

/** Remount with `key` when the URL changes (Back, a link) so the form shows what is applied. */
export function LeadsFilters({ filters, onApply, searchHint }: LeadsFiltersProps) {
  const id = useId();
  const [draft, setDraft] = useState<LeadFilters>(filters);
  const [statesText, setStatesText] = useState(filters.state.join(", "));
  const [statesError, setStatesError] = useState<string | null>(null);

  function update<Key extends keyof LeadFilters>(key: Key, value: LeadFilters[Key]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const { invalid } = splitStates(statesText);
    if (invalid.length > 0) {
      // Applied, a typo would match nothing and read as "no leads": say so instead.
      setStatesError(`Not a US state: ${invalid.join(", ")}. Use two-letter codes such as AZ or CA.`);
      return;
    }
    setStatesError(null);
    onApply({ ...draft, q: draft.q.trim(), zip: draft.zip.trim(), state: parseStates(statesText) });
  }

  return (
    <form role="search" aria-label="Filter leads" onSubmit={submit} className="mb-4 space-y-4 rounded-lg border bg-card p-4 shadow-xs">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <div className="space-y-1.5 md:col-span-2">
          <Label htmlFor={`${id}-q`}>Search</Label>
          <Input
            id={`${id}-q`}
            type="search"
            value={draft.q}
            maxLength={200}
            aria-describedby={`${id}-q-hint`}
            onChange={(event) => {
              update("q", event.target.value);
            }}
          />
          <FieldHint id={`${id}-q-hint`}>{searchHint}</FieldHint>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-state`}>States</Label>
          <Input
            id={`${id}-state`}
            value={statesText}
            placeholder="AZ, CA"
            aria-describedby={statesError ? `${id}-state-error ${id}-state-hint` : `${id}-state-hint`}
            aria-invalid={statesError ? true : undefined}
            onChange={(event) => {
              setStatesText(event.target.value);
            }}
          />
          {statesError ? (
            <p id={`${id}-state-error`} role="alert" className="text-xs text-destructive">
              {statesError}
            </p>
          ) : null}
          <FieldHint id={`${id}-state-hint`}>Two-letter codes, separated by commas.</FieldHint>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-zip`}>ZIP or prefix</Label>
          <Input
            id={`${id}-zip`}
            value={draft.zip}
            inputMode="numeric"
            pattern="\d{1,5}"
            maxLength={5}
            placeholder="85"
            aria-describedby={`${id}-zip-hint`}
            onChange={(event) => {
              update("zip", event.target.value);
            }}
          />
          <FieldHint id={`${id}-zip-hint`}>1 to 5 digits: 85 is every 85xxx ZIP.</FieldHint>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-from`}>Created from</Label>
          <Input
            id={`${id}-from`}
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(event) => {
              update("from", event.target.value);
            }}
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-to`}>Created to</Label>
          <Input
            id={`${id}-to`}
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(event) => {
              update("to", event.target.value);
            }}
          />
        </div>
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <CheckboxGroup
          legend="Status"
          name="status"
          options={STATUS_OPTIONS}
          selected={draft.status}
          onChange={(value) => {
            update("status", value);
          }}
        />
        <CheckboxGroup
          legend="Tier"
          name="tier"
          options={TIER_OPTIONS}
          selected={draft.tier}
          onChange={(value) => {
            update("tier", value);
          }}
        />
        <CheckboxGroup
          legend="Source"
          name="source"
          options={SOURCE_OPTIONS}
          selected={draft.source}
          onChange={(value) => {
            update("source", value);
          }}
        />
      </div>
      <FilterActions
        onClear={() => {
          onApply(EMPTY_FILTERS);
        }}
      />
    </form>
  );
}
