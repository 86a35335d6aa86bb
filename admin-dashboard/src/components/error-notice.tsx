import { describeError } from "@/lib/describe-error";
import { cn } from "@/lib/utils";

interface ErrorNoticeProps {
  error: Error;
  /** What failed, e.g. "The leads could not be loaded." */
  title?: string;
  className?: string;
}

export function ErrorNotice({ error, title, className }: ErrorNoticeProps) {
  return (
    <div
      role="alert"
      className={cn("rounded-md border border-destructive/30 bg-destructive-soft px-4 py-3 text-sm text-destructive", className)}
    >
      {title ? <p className="font-medium">{title}</p> : null}
      <p>{describeError(error)}</p>
    </div>
  );
}
