import { useEffect, useRef, useState } from "react";
import { Outlet, useLocation, useNavigation } from "react-router";

import { config } from "@/config";
import { useCurrentUser } from "@/features/auth/use-session";
import { cn } from "@/lib/utils";

import { navigation, navItemsForRole } from "./nav-config";
import { SidebarNav } from "./sidebar-nav";
import { TopBar } from "./top-bar";

const NAV_ID = "primary-navigation";
const MAIN_CONTENT_ID = "main-content";

/**
 * The frame around every page: skip link, top bar (banner), sidebar (navigation) and the
 * page itself (main). Below the `md` breakpoint the sidebar folds behind the menu button.
 * Rendered only for a signed-in user (under `RequireAuth`).
 */
export function AppShell() {
  const location = useLocation();
  const navigationState = useNavigation();
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  // The menu belongs to the page it was opened on: any navigation closes it, no effect needed.
  const [navOpenAt, setNavOpenAt] = useState<string | null>(null);
  const navOpen = navOpenAt === location.key;

  useEffect(() => {
    if (!navOpen) return;
    function closeOnEscape(event: KeyboardEvent) {
      if (event.key !== "Escape") return;
      setNavOpenAt(null);
      menuButtonRef.current?.focus();
    }
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [navOpen]);

  const user = useCurrentUser();
  // Only what the role may open; the routes guard the rest (`RequireRole`), the API all of it.
  const items = navItemsForRole(navigation, user.role);

  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href={`#${MAIN_CONTENT_ID}`}
        className="sr-only z-50 rounded-md bg-primary px-4 py-2 text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to main content
      </a>
      <TopBar
        appName={config.appName}
        environment={config.environment}
        navId={NAV_ID}
        navOpen={navOpen}
        onToggleNav={() => {
          setNavOpenAt(navOpen ? null : location.key);
        }}
        menuButtonRef={menuButtonRef}
        user={user}
      />
      <div className="relative flex flex-1">
        <div
          id={NAV_ID}
          className={cn(
            "w-60 shrink-0 border-r bg-card",
            "md:sticky md:top-14 md:block md:h-[calc(100dvh-3.5rem)] md:overflow-y-auto",
            navOpen ? "absolute inset-y-0 left-0 z-20 block shadow-lg" : "hidden",
          )}
        >
          <SidebarNav items={items} />
        </div>
        <main
          id={MAIN_CONTENT_ID}
          tabIndex={-1}
          aria-busy={navigationState.state === "loading"}
          className="min-w-0 flex-1 px-4 py-6 focus:outline-none md:px-8"
        >
          <Outlet />
        </main>
      </div>
    </div>
  );
}
