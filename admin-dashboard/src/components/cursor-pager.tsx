import { ChevronLeft, ChevronRight } from "lucide-react";
import { Link, useSearchParams } from "react-router";

import { nextPageParams, previousPageParams, readCursorPage } from "@/lib/cursor-pagination";
import { cn } from "@/lib/utils";

interface CursorPagerProps {
  /** `next_cursor` of the page shown; null on the last page, undefined while loading. */
  nextCursor: string | null | undefined;
  /** Rows on this page, for the "Page 2 · 50 rows" line. */
  rowCount?: number;
  label?: string;
}

const linkClasses =
  "inline-flex h-8 items-center gap-1 rounded-md border border-border bg-card px-3 text-sm font-medium hover:bg-muted";
const disabledClasses = "pointer-events-none opacity-50";

/** Previous / Next as real links (middle-click, copy, reload all work), the cursor stack in the URL. */
export function CursorPager({ nextCursor, rowCount, label = "Pagination" }: CursorPagerProps) {
  const [params] = useSearchParams();
  const { pageNumber } = readCursorPage(params);
  const hasPrevious = pageNumber > 1;

  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-muted-foreground">
        Page {pageNumber}
        {rowCount !== undefined ? ` · ${rowCount === 1 ? "1 row" : `${rowCount} rows`}` : null}
      </p>
      <div className="flex gap-2">
        {hasPrevious ? (
          <Link to={{ search: previousPageParams(params).toString() }} className={linkClasses}>
            <ChevronLeft aria-hidden="true" className="size-4" />
            Previous
          </Link>
        ) : (
          <span aria-disabled="true" className={cn(linkClasses, disabledClasses)}>
            <ChevronLeft aria-hidden="true" className="size-4" />
            Previous
          </span>
        )}
        {nextCursor ? (
          <Link to={{ search: nextPageParams(params, nextCursor).toString() }} className={linkClasses}>
            Next
            <ChevronRight aria-hidden="true" className="size-4" />
          </Link>
        ) : (
          <span aria-disabled="true" className={cn(linkClasses, disabledClasses)}>
            Next
            <ChevronRight aria-hidden="true" className="size-4" />
          </span>
        )}
      </div>
    </nav>
  );
}
