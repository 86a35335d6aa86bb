import "./index.css";

import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";

import { apiClient } from "@/api/client";
import { authMiddleware } from "@/features/auth/auth-middleware";
import { handleUnauthorized } from "@/features/auth/handle-unauthorized";
import { session } from "@/features/auth/session";
import { createQueryClient } from "@/lib/query-client";
import { routes } from "@/routes";

apiClient.use(authMiddleware);
const queryClient = createQueryClient({ onUnauthorized: handleUnauthorized });
const router = createBrowserRouter(routes);
// Try the refresh cookie while the first page's code loads (RequireAuth waits for the answer).
void session.restore();

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element");

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
