import { Badge, type BadgeTone } from "@/components/ui/badge";

/** Production stands out so nobody mistakes it for a sandbox; staging is a caution. */
function toneFor(environment: string): BadgeTone {
  const name = environment.toLowerCase();
  if (name === "production" || name === "prod") return "danger";
  if (name === "staging") return "warning";
  return "neutral";
}

export function EnvironmentBadge({ environment }: { environment: string }) {
  return (
    <Badge tone={toneFor(environment)}>
      <span className="sr-only">Environment: </span>
      {environment}
    </Badge>
  );
}
