import { lazy, Suspense, useId } from "react";

import { FieldHint, Label, Textarea } from "@/components/ui/field";
import { US_STATES } from "@/lib/us-states";

import { splitZips } from "../api/partners";

const UsMap = lazy(() => import("./us-map"));

export interface ServiceAreaDraft {
  states: string[];
  /** ZIP prefixes and whole ZIPs, as typed (validated on save). */
  zipsText: string;
}

interface ServiceAreaEditorProps {
  value: ServiceAreaDraft;
  onChange: (value: ServiceAreaDraft) => void;
  zipError?: string | null;
}

/**
 * Where a partner installs: states on a US map (click to toggle) with the same states as a
 * checkbox list (the keyboard and screen-reader way), and ZIP prefixes or ZIPs as text.
 */
export function ServiceAreaEditor({ value, onChange, zipError }: ServiceAreaEditorProps) {
  const id = useId();
  function toggle(code: string) {
    const next = value.states.includes(code) ? value.states.filter((state) => state !== code) : [...value.states, code];
    onChange({ ...value, states: next.sort() });
  }
  const zips = splitZips(value.zipsText);
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div>
        <Suspense fallback={<p className="text-sm text-muted-foreground">Loading the map…</p>}>
          <UsMap selected={value.states} onToggle={toggle} />
        </Suspense>
        <p className="mt-1 text-xs text-muted-foreground">
          {value.states.length} {value.states.length === 1 ? "state" : "states"} covered
          {zips.prefixes.length + zips.zips.length > 0
            ? `, plus ${String(zips.prefixes.length)} ZIP prefixes and ${String(zips.zips.length)} ZIPs`
            : ""}
          . Click a state on the map, or tick it in the list.
        </p>
      </div>
      <div className="space-y-4">
        <fieldset>
          <legend className="mb-1 text-sm font-medium">States covered</legend>
          <div className="grid max-h-64 grid-cols-2 gap-x-3 gap-y-1 overflow-y-auto rounded-md border p-2 sm:grid-cols-3">
            {US_STATES.map(([code, name]) => (
              <div key={code} className="flex items-center gap-1.5 text-sm">
                <input
                  id={`${id}-${code}`}
                  type="checkbox"
                  className="size-4 accent-primary"
                  aria-label={`${name} (${code})`}
                  checked={value.states.includes(code)}
                  onChange={() => {
                    toggle(code);
                  }}
                />
                <label htmlFor={`${id}-${code}`} title={name}>
                  {code}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-zips`}>ZIP areas</Label>
          <Textarea
            id={`${id}-zips`}
            value={value.zipsText}
            placeholder="850, 852, 85281"
            aria-invalid={zipError ? true : undefined}
            aria-describedby={zipError ? `${id}-zips-error ${id}-zips-hint` : `${id}-zips-hint`}
            onChange={(event) => {
              onChange({ ...value, zipsText: event.target.value });
            }}
          />
          {zipError ? (
            <p id={`${id}-zips-error`} role="alert" className="text-xs text-destructive">
              {zipError}
            </p>
          ) : null}
          <FieldHint id={`${id}-zips-hint`}>
            Beyond the states: 1 to 4 digits is a ZIP prefix (850 is every 850xx), 5 digits one ZIP. Separate with commas.
          </FieldHint>
        </div>
      </div>
    </div>
  );
}
