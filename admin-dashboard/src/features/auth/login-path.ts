/**
 * The login page's address with the page to return to (`/login?next=%2Fleads%3Fstatus%3Dnew`),
 * and the safe reading of that return path: only a path on this dashboard, never another site.
 */

export const LOGIN_PATH = "/login";

export function loginPath(returnTo: { pathname: string; search?: string; hash?: string }): string {
  const next = `${returnTo.pathname}${returnTo.search ?? ""}${returnTo.hash ?? ""}`;
  if (next === "/" || next.startsWith(LOGIN_PATH)) return LOGIN_PATH;
  return `${LOGIN_PATH}?${new URLSearchParams({ next }).toString()}`;
}

/** The `next` parameter when it is a path on this site (`/leads?x=1`), else `/`. */
export function safeReturnPath(next: string | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith(LOGIN_PATH)) return "/";
  return next;
}
