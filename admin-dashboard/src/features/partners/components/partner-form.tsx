import { useId, useState, type ReactNode, type SubmitEvent } from "react";

import { ApiError } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { CheckboxGroup } from "@/components/ui/checkbox-group";
import { FieldHint, Input, Label, Select } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { describeError } from "@/lib/describe-error";
import { humanize } from "@/lib/format";

import {
  centsToDollars,
  dollarsToCents,
  PARTNER_STATUSES,
  splitZips,
  TIERS,
  type PartnerCreate,
  type PartnerDetail,
  type PartnerStatus,
} from "../api/partners";
import { ServiceAreaEditor, type ServiceAreaDraft } from "./service-area-editor";

// The API's lists (`app/leads/fields.py`); an empty choice buys any value.
const CREDIT_BANDS = ["excellent", "good", "fair", "poor"] as const;
const PROPERTY_TYPES = ["single_family", "townhouse", "condo", "mobile_home", "multi_family"] as const;
const ROOF_TYPES = ["asphalt_shingle", "metal", "tile", "flat", "wood_shake", "slate", "other"] as const;
const SHADES = ["none", "light", "moderate", "heavy"] as const;
const TIMELINES = ["asap", "1_3_months", "3_6_months", "6_12_months", "researching"] as const;
const options = (values: readonly string[]) => values.map((value) => ({ value, label: humanize(value) }));

type Tier = (typeof TIERS)[number];
type Money = "exclusive" | "shared";
type CapKey = "day" | "week" | "month";

interface Draft {
  name: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  timezone: string;
  status: PartnerStatus;
  area: ServiceAreaDraft;
  min_score: string;
  tiers: string[];
  credit_bands: string[];
  property_types: string[];
  roof_types: string[];
  shades: string[];
  timelines: string[];
  homeowners_only: boolean;
  /** Dollars as typed. */
  prices: Record<Tier, Record<Money, string>>;
  caps: Record<CapKey, string>;
  month_spend: string;
  billing_mode: "prepaid" | "credit";
  credit_limit: string;
  low_balance: string;
}

function draftOf(partner: PartnerDetail | undefined): Draft {
  const price = (tier: Tier, mode: Money) => centsToDollars(partner?.prices[tier]?.[mode]);
  return {
    name: partner?.name ?? "",
    contact_name: partner?.contact_name ?? "",
    contact_email: partner?.contact_email ?? "",
    contact_phone: partner?.contact_phone ?? "",
    timezone: partner?.timezone ?? "America/Phoenix",
    status: partner?.status ?? "active",
    area: {
      states: [...(partner?.service_area.states ?? [])],
      zipsText: [...(partner?.service_area.zip_prefixes ?? []), ...(partner?.service_area.zips ?? [])].join(", "),
    },
    min_score: partner?.filters.min_score === null || partner?.filters.min_score === undefined ? "" : String(partner.filters.min_score),
    tiers: partner?.filters.tiers ?? [],
    credit_bands: partner?.filters.credit_bands ?? [],
    property_types: partner?.filters.property_types ?? [],
    roof_types: partner?.filters.roof_types ?? [],
    shades: partner?.filters.shades ?? [],
    timelines: partner?.filters.timelines ?? [],
    homeowners_only: partner?.filters.homeowners_only ?? true,
    prices: {
      A: { exclusive: price("A", "exclusive"), shared: price("A", "shared") },
      B: { exclusive: price("B", "exclusive"), shared: price("B", "shared") },
      C: { exclusive: price("C", "exclusive"), shared: price("C", "shared") },
    },
    caps: {
      day: partner?.caps.day?.toString() ?? "",
      week: partner?.caps.week?.toString() ?? "",
      month: partner?.caps.month?.toString() ?? "",
    },
    month_spend: centsToDollars(partner?.caps.month_spend_cents),
    billing_mode: partner?.billing_mode ?? "prepaid",
    credit_limit: centsToDollars(partner?.credit_limit_cents ?? 0),
    low_balance: centsToDollars(partner?.low_balance_cents ?? 0),
  };
}

type Problems = Partial<Record<string, string>>;

/** The request body, or what is wrong with the draft (by field). Money goes out in cents. */
function toBody(draft: Draft): { body: PartnerCreate; problems: Problems } {
  const problems: Problems = {};
  const money = (key: string, text: string): number | null => {
    const cents = dollarsToCents(text);
    if (cents === undefined) {
      problems[key] = "Enter an amount in dollars, like 45 or 45.50.";
      return null;
    }
    return cents;
  };
  const count = (key: string, text: string): number | null => {
    if (text.trim() === "") return null;
    if (!/^\d+$/.test(text.trim())) {
      problems[key] = "Enter a whole number, or leave it empty for no cap.";
      return null;
    }
    return Number(text.trim());
  };
  const zips = splitZips(draft.area.zipsText);
  if (zips.invalid.length > 0) problems.zips = `Not a ZIP or ZIP prefix: ${zips.invalid.join(", ")}.`;
  const minScore = count("min_score", draft.min_score);
  const prices = Object.fromEntries(
    TIERS.map((tier) => [tier, { exclusive: money(`${tier}.exclusive`, draft.prices[tier].exclusive), shared: money(`${tier}.shared`, draft.prices[tier].shared) }]),
  ) as PartnerCreate["prices"];
  const body: PartnerCreate = {
    name: draft.name.trim(),
    contact_name: draft.contact_name.trim() || null,
    contact_email: draft.contact_email.trim() || null,
    contact_phone: draft.contact_phone.trim() || null,
    timezone: draft.timezone.trim(),
    service_area: { states: draft.area.states, zip_prefixes: zips.prefixes, zips: zips.zips, radius: [] },
    filters: {
      min_score: minScore,
      tiers: draft.tiers,
      credit_bands: draft.credit_bands,
      property_types: draft.property_types,
      roof_types: draft.roof_types,
      shades: draft.shades,
      timelines: draft.timelines,
      homeowners_only: draft.homeowners_only,
    },
    prices,
    caps: {
      day: count("cap.day", draft.caps.day),
      week: count("cap.week", draft.caps.week),
      month: count("cap.month", draft.caps.month),
      month_spend_cents: money("cap.month_spend", draft.month_spend),
    },
    billing_mode: draft.billing_mode,
    credit_limit_cents: money("credit_limit", draft.credit_limit) ?? 0,
    low_balance_cents: money("low_balance", draft.low_balance) ?? 0,
  };
  if (!body.name) problems.name = "A partner needs a name.";
  return { body, problems };
}

/** The API's 422 details (`[{field, message}]`) as one sentence per field. */
function refusalDetails(error: ApiError): string | null {
  if (!Array.isArray(error.details)) return null;
  const parts = (error.details as unknown[]).flatMap((detail) => {
    if (typeof detail !== "object" || detail === null) return [];
    const { field, message } = detail as { field?: unknown; message?: unknown };
    return typeof message === "string" ? [`${typeof field === "string" ? `${humanize(field.split(".").at(-1) ?? field)}: ` : ""}${message}`] : [];
  });
  return parts.length ? parts.join("; ") : null;
}

function Field({ id, label, hint, problem, children }: { id: string; label: string; hint?: string; problem?: string | undefined; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {problem ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {problem}
        </p>
      ) : null}
      {hint ? <FieldHint id={`${id}-hint`}>{hint}</FieldHint> : null}
    </div>
  );
}

function describedBy(id: string, problem: string | undefined, hint: boolean) {
  return [problem ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
}

interface PartnerFormProps {
  partner?: PartnerDetail;
  submitLabel: string;
  busy: boolean;
  error: Error | null;
  onSubmit: (body: PartnerCreate & { status?: PartnerStatus }) => void;
}

/** Create or edit a partner: contacts, service area, filters, prices per tier (typed in dollars, sent in cents), caps and billing. */
export function PartnerForm({ partner, submitLabel, busy, error, onSubmit }: PartnerFormProps) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(partner));
  const [problems, setProblems] = useState<Problems>({});

  function set<Key extends keyof Draft>(key: Key, value: Draft[Key]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const { body, problems: found } = toBody(draft);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    onSubmit(partner ? { ...body, status: draft.status } : body);
  }

  const text = (key: "name" | "contact_name" | "contact_email" | "contact_phone" | "timezone", label: string, props: { type?: string; hint?: string; required?: boolean } = {}) => (
    <Field id={`${id}-${key}`} label={label} hint={props.hint} problem={problems[key]}>
      <Input
        id={`${id}-${key}`}
        type={props.type ?? "text"}
        required={props.required}
        value={draft[key]}
        aria-invalid={problems[key] ? true : undefined}
        aria-describedby={describedBy(`${id}-${key}`, problems[key], Boolean(props.hint))}
        onChange={(event) => {
          set(key, event.target.value);
        }}
      />
    </Field>
  );

  const moneyInput = (key: string, label: string, value: string, onChange: (value: string) => void, hint?: string) => (
    <Field id={`${id}-${key}`} label={label} hint={hint} problem={problems[key]}>
      <div className="relative">
        <span aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-sm text-muted-foreground">
          $
        </span>
        <Input
          id={`${id}-${key}`}
          inputMode="decimal"
          className="pl-6"
          value={value}
          aria-invalid={problems[key] ? true : undefined}
          aria-describedby={describedBy(`${id}-${key}`, problems[key], Boolean(hint))}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      </div>
    </Field>
  );

  const refused = error instanceof ApiError && error.status === 422 ? refusalDetails(error) : null;
  return (
    <form onSubmit={submit} noValidate aria-label={partner ? `Edit ${partner.name}` : "New partner"} className="space-y-6">
      <Section title="Partner">
        <div className="grid gap-4 md:grid-cols-2">
          {text("name", "Name", { required: true })}
          {text("timezone", "Time zone", { hint: "Caps count days, weeks and months here, e.g. America/Phoenix." })}
          {text("contact_name", "Contact name")}
          {text("contact_email", "Contact email", { type: "email" })}
          {text("contact_phone", "Contact phone", { type: "tel" })}
          {partner ? (
            <Field id={`${id}-status`} label="Status" hint="Paused and suspended partners buy nothing; suspended ones cannot resume themselves.">
              <Select
                id={`${id}-status`}
                value={draft.status}
                aria-describedby={`${id}-status-hint`}
                onChange={(event) => {
                  set("status", event.target.value as PartnerStatus);
                }}
              >
                {PARTNER_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {humanize(status)}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
        </div>
      </Section>

      <Section title="Service area" description="Where the partner installs: a lead matches when it is in any of these.">
        <ServiceAreaEditor
          value={draft.area}
          zipError={problems.zips ?? null}
          onChange={(area) => {
            set("area", area);
          }}
        />
      </Section>

      <Section title="Filters" description="Which leads it buys. Nothing ticked in a group accepts any value.">
        <div className="grid gap-4 md:grid-cols-2">
          <Field id={`${id}-min_score`} label="Minimum score" hint="0 to 100; empty: any score." problem={problems.min_score}>
            <Input
              id={`${id}-min_score`}
              inputMode="numeric"
              value={draft.min_score}
              aria-invalid={problems.min_score ? true : undefined}
              aria-describedby={describedBy(`${id}-min_score`, problems.min_score, true)}
              onChange={(event) => {
                set("min_score", event.target.value);
              }}
            />
          </Field>
          <div className="flex items-center gap-2 self-center text-sm">
            <input
              id={`${id}-homeowners`}
              type="checkbox"
              className="size-4 accent-primary"
              checked={draft.homeowners_only}
              onChange={(event) => {
                set("homeowners_only", event.target.checked);
              }}
            />
            <label htmlFor={`${id}-homeowners`}>Homeowners only</label>
          </div>
          <CheckboxGroup legend="Tiers" name="tiers" options={TIERS.map((tier) => ({ value: tier, label: tier }))} selected={draft.tiers} onChange={(value) => { set("tiers", value); }} />
          <CheckboxGroup legend="Credit" name="credit_bands" options={options(CREDIT_BANDS)} selected={draft.credit_bands} onChange={(value) => { set("credit_bands", value); }} />
          <CheckboxGroup legend="Property" name="property_types" options={options(PROPERTY_TYPES)} selected={draft.property_types} onChange={(value) => { set("property_types", value); }} />
          <CheckboxGroup legend="Roof" name="roof_types" options={options(ROOF_TYPES)} selected={draft.roof_types} onChange={(value) => { set("roof_types", value); }} />
          <CheckboxGroup legend="Shade" name="shades" options={options(SHADES)} selected={draft.shades} onChange={(value) => { set("shades", value); }} />
          <CheckboxGroup legend="Timeline" name="timelines" options={options(TIMELINES)} selected={draft.timelines} onChange={(value) => { set("timelines", value); }} />
        </div>
      </Section>

      <Section title="Prices per lead" description="In dollars. Leave a price empty when the partner does not buy that tier that way.">
        <div className="grid gap-4 sm:grid-cols-3">
          {TIERS.map((tier) => (
            <fieldset key={tier} className="space-y-2">
              <legend className="text-sm font-semibold">Tier {tier}</legend>
              {(["exclusive", "shared"] as const).map((mode) =>
                moneyInput(`${tier}.${mode}`, `Tier ${tier} ${mode}`, draft.prices[tier][mode], (value) => {
                  set("prices", { ...draft.prices, [tier]: { ...draft.prices[tier], [mode]: value } });
                }),
              )}
            </fieldset>
          ))}
        </div>
      </Section>

      <Section title="Caps and billing" description="Empty caps: no cap. Days, weeks and months are the partner's own.">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {(["day", "week", "month"] as const).map((period) => (
            <Field key={period} id={`${id}-cap-${period}`} label={`Leads per ${period}`} problem={problems[`cap.${period}`]}>
              <Input
                id={`${id}-cap-${period}`}
                inputMode="numeric"
                value={draft.caps[period]}
                aria-invalid={problems[`cap.${period}`] ? true : undefined}
                aria-describedby={describedBy(`${id}-cap-${period}`, problems[`cap.${period}`], false)}
                onChange={(event) => {
                  set("caps", { ...draft.caps, [period]: event.target.value });
                }}
              />
            </Field>
          ))}
          {moneyInput("cap.month_spend", "Spend per month", draft.month_spend, (value) => {
            set("month_spend", value);
          })}
          <Field id={`${id}-billing`} label="Billing">
            <Select
              id={`${id}-billing`}
              value={draft.billing_mode}
              onChange={(event) => {
                set("billing_mode", event.target.value === "credit" ? "credit" : "prepaid");
              }}
            >
              <option value="prepaid">Prepaid (top up first)</option>
              <option value="credit">On credit</option>
            </Select>
          </Field>
          {moneyInput("credit_limit", "Credit limit", draft.credit_limit, (value) => {
            set("credit_limit", value);
          }, "How far below zero a credit partner may go.")}
          {moneyInput("low_balance", "Low-balance alert", draft.low_balance, (value) => {
            set("low_balance", value);
          }, "Warn when the balance falls below this.")}
        </div>
      </Section>

      <div aria-live="polite">
        {Object.keys(problems).length > 0 ? (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive-soft px-3 py-2 text-sm text-destructive">
            Some fields need fixing: {Object.values(problems).join(" ")}
          </p>
        ) : error ? (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive-soft px-3 py-2 text-sm text-destructive">
            {describeError(error)}
            {refused ? ` ${refused}` : ""}
          </p>
        ) : null}
      </div>
      <Button type="submit" disabled={busy}>
        {busy ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
