import { Badge } from "@/components/ui/badge";
import { humanize } from "@/lib/format";

import type { PartnerStatus } from "../api/partners";

const TONES = { active: "success", paused: "warning", suspended: "danger" } as const;

export function PartnerStatusBadge({ status }: { status: PartnerStatus }) {
  return <Badge tone={TONES[status]}>{humanize(status)}</Badge>;
}
