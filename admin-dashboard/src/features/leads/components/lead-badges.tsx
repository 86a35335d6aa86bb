import { Badge, type BadgeTone } from "@/components/ui/badge";

import { STATUS_LABELS, type LeadStatus } from "../api/leads";

const STATUS_TONES: Record<LeadStatus, BadgeTone> = {
  new: "success",
  unqualified: "neutral",
  sold: "warning",
  returned: "danger",
  unsold: "neutral",
  duplicate: "neutral",
};
const TIER_TONES: Record<string, BadgeTone> = { A: "success", B: "warning", C: "neutral" };

function isStatus(value: string): value is LeadStatus {
  return value in STATUS_LABELS;
}

export function StatusBadge({ status }: { status: string }) {
  return isStatus(status) ? <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge> : <Badge>{status}</Badge>;
}

export function TierBadge({ tier }: { tier: string }) {
  return (
    <Badge tone={TIER_TONES[tier] ?? "neutral"}>
      <span className="sr-only">Tier </span>
      {tier}
    </Badge>
  );
}
