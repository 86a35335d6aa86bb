import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

const control =
  "h-9 w-full rounded-md border border-border bg-card px-3 text-sm shadow-xs " +
  "placeholder:text-muted-foreground disabled:cursor-not-allowed disabled:opacity-50 " +
  "aria-invalid:border-destructive";

export function Label({ className, ...props }: ComponentProps<"label">) {
  // eslint-disable-next-line jsx-a11y/label-has-associated-control -- callers pass htmlFor or wrap the control
  return <label className={cn("text-sm font-medium", className)} {...props} />;
}

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(control, className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(control, "pr-8", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(control, "h-auto min-h-24 py-2", className)} {...props} />;
}

/** A small line under a control (format hints); pair with `aria-describedby`. */
export function FieldHint({ className, ...props }: ComponentProps<"p">) {
  return <p className={cn("text-xs text-muted-foreground", className)} {...props} />;
}
