import type { RouteObject } from "react-router";

import { AppShell } from "@/components/layout/app-shell";
import { PageLoading } from "@/components/page-loading";
import { RootRouteError, RouteError } from "@/components/route-error";
import { RequireAuth, SessionCheck } from "@/features/auth/require-auth";
import { RequireRole } from "@/features/auth/require-role";

/**
 * The route tree, shared by the browser router (`src/main.tsx`) and tests (`createMemoryRouter`).
 * Every page is a lazy chunk behind a thin module in this folder; the shell is in the entry.
 * Add a page here and its entry in `src/components/layout/nav-config.ts` together, with the
 * same roles.
 */
export const routes: RouteObject[] = [
  {
    path: "/login",
    lazy: () => import("./login"),
    HydrateFallback: SessionCheck,
    ErrorBoundary: RootRouteError,
  },
  {
    // Everything else needs a signed-in user: RequireAuth restores the session or sends
    // the visitor to /login?next=<this page>.
    Component: RequireAuth,
    ErrorBoundary: RootRouteError,
    HydrateFallback: SessionCheck,
    children: [
      {
        path: "/",
        Component: AppShell,
        children: [
          {
            // Page errors render inside the shell, so navigation stays usable.
            ErrorBoundary: RouteError,
            children: [
              { index: true, lazy: () => import("./overview"), HydrateFallback: PageLoading },
              { path: "leads", lazy: () => import("./leads"), HydrateFallback: PageLoading },
              { path: "leads/:leadId", lazy: () => import("./lead-detail"), HydrateFallback: PageLoading },
              { path: "conversations", lazy: () => import("./conversations"), HydrateFallback: PageLoading },
              {
                path: "conversations/:conversationId",
                lazy: () => import("./conversation-detail"),
                HydrateFallback: PageLoading,
              },
              { path: "revenue", lazy: () => import("./revenue"), HydrateFallback: PageLoading },
              { path: "funnel", lazy: () => import("./funnel"), HydrateFallback: PageLoading },
              { path: "partners", lazy: () => import("./partners"), HydrateFallback: PageLoading },
              { path: "partners/:partnerId", lazy: () => import("./partner-detail"), HydrateFallback: PageLoading },
              { path: "sales", lazy: () => import("./sales"), HydrateFallback: PageLoading },
              { path: "returns", lazy: () => import("./returns"), HydrateFallback: PageLoading },
              {
                element: <RequireRole minimum="manager" />,
                children: [
                  { path: "system", lazy: () => import("./system"), HydrateFallback: PageLoading },
                  { path: "partners/new", lazy: () => import("./partner-new"), HydrateFallback: PageLoading },
                  { path: "partners/:partnerId/edit", lazy: () => import("./partner-edit"), HydrateFallback: PageLoading },
                ],
              },
              {
                element: <RequireRole minimum="admin" />,
                children: [
                  { path: "users", lazy: () => import("./users"), HydrateFallback: PageLoading },
                  { path: "audit-log", lazy: () => import("./audit-log"), HydrateFallback: PageLoading },
                ],
              },
              { path: "*", lazy: () => import("./not-found"), HydrateFallback: PageLoading },
            ],
          },
        ],
      },
    ],
  },
];
