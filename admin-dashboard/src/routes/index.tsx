import type { RouteObject } from "react-router";

import { AppShell } from "@/components/layout/app-shell";
import { PageLoading } from "@/components/page-loading";
import { RootRouteError, RouteError } from "@/components/route-error";

/**
 * The route tree, shared by the browser router (`src/main.tsx`) and tests (`createMemoryRouter`).
 * Every page is a lazy chunk behind a thin module in this folder; the shell is in the entry.
 * Add a page here and its entry in `src/components/layout/nav-config.ts` together.
 */
export const routes: RouteObject[] = [
  {
    path: "/",
    Component: AppShell,
    ErrorBoundary: RootRouteError,
    children: [
      {
        // Page errors render inside the shell, so navigation stays usable.
        ErrorBoundary: RouteError,
        children: [
          { index: true, lazy: () => import("./overview"), HydrateFallback: PageLoading },
          { path: "*", lazy: () => import("./not-found"), HydrateFallback: PageLoading },
        ],
      },
    ],
  },
];
