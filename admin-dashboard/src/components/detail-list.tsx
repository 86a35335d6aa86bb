import type { ReactNode } from "react";

import { cn } from "@/lib/utils";

/** Label / value pairs (`<dl>`); values are whatever the caller renders, as text by default. */
export function DetailList({ items, className }: { items: readonly [label: string, value: ReactNode][]; className?: string }) {
  return (
    <dl className={cn("grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]", className)}>
      {items.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-muted-foreground">{label}</dt>
          <dd className="min-w-0 break-words">{value ?? "–"}</dd>
        </div>
      ))}
    </dl>
  );
}
