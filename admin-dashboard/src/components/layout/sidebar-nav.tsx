import { NavLink } from "react-router";

import { cn } from "@/lib/utils";

import type { NavItem } from "./nav-config";

interface SidebarNavProps {
  items: readonly NavItem[];
}

/** `NavLink` sets `aria-current="page"` on the active entry; the style follows that attribute. */
export function SidebarNav({ items }: SidebarNavProps) {
  return (
    <nav aria-label="Main" className="p-3">
      <ul className="space-y-1">
        {items.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end ?? false}
              className={cn(
                "relative flex items-center gap-3 rounded-md px-3 py-2 text-sm text-muted-foreground transition-colors",
                "hover:bg-muted hover:text-foreground",
                "aria-[current=page]:bg-muted aria-[current=page]:font-medium aria-[current=page]:text-foreground",
                "aria-[current=page]:before:absolute aria-[current=page]:before:inset-y-1.5 aria-[current=page]:before:left-0",
                "aria-[current=page]:before:w-1 aria-[current=page]:before:rounded-full aria-[current=page]:before:bg-accent",
              )}
            >
              <item.icon aria-hidden="true" className="size-4 shrink-0" />
              {item.title}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
