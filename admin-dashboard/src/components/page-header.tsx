import type { ReactNode } from "react";

import { config } from "@/config";

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  /** Buttons or links shown on the right (filters, "New partner"...). */
  actions?: ReactNode;
}

/** The one `<h1>` of a page, plus its `<title>` (React 19 hoists it into `<head>`). */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <title>{`${title} · ${config.appName} Admin`}</title>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}
