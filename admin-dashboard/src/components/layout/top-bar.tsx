import { Menu, Sun, X } from "lucide-react";
import type { Ref } from "react";
import { Link } from "react-router";

import { Button } from "@/components/ui/button";
import type { AdminUser } from "@/features/auth/session";

import { EnvironmentBadge } from "./environment-badge";
import { UserMenu } from "./user-menu";

interface TopBarProps {
  appName: string;
  environment: string;
  /** The signed-in user; the login page's bar has none. */
  user?: AdminUser;
  navId?: string;
  navOpen?: boolean;
  onToggleNav?: () => void;
  menuButtonRef?: Ref<HTMLButtonElement>;
}

export function TopBar({ appName, environment, user, navId, navOpen = false, onToggleNav, menuButtonRef }: TopBarProps) {
  return (
    <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-card px-4">
      {navId && onToggleNav ? (
        <Button
          ref={menuButtonRef}
          variant="ghost"
          size="icon"
          className="-ml-2 md:hidden"
          aria-expanded={navOpen}
          aria-controls={navId}
          onClick={onToggleNav}
        >
          {navOpen ? <X aria-hidden="true" className="size-5" /> : <Menu aria-hidden="true" className="size-5" />}
          <span className="sr-only">Menu</span>
        </Button>
      ) : null}
      <Link to="/" className="flex items-center gap-2 rounded-md font-semibold whitespace-nowrap">
        <span className="grid size-7 place-items-center rounded-md bg-primary text-accent" aria-hidden="true">
          <Sun className="size-4" />
        </span>
        <span>{appName}</span>
        <span className="hidden font-normal text-muted-foreground sm:inline">Admin</span>
      </Link>
      <div className="ml-auto flex items-center gap-2 sm:gap-3">
        <EnvironmentBadge environment={environment} />
        {user ? <UserMenu user={user} /> : null}
      </div>
    </header>
  );
}
