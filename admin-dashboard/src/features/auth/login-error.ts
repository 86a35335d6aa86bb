import { ApiError, NetworkError } from "@/api/errors";
import { config } from "@/config";
import { plural } from "@/lib/format";

/** The login error to show. Never says whether the email has an account: the API doesn't either. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      if (error.retryAfterSeconds === undefined) return "Too many attempts, try again later.";
      const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
      return `Too many attempts, try again in ${plural(minutes, "minute")}.`;
    }
    if (error.status === 401) return "The email or password is incorrect.";
    if (error.status === 422) return "Enter your email and password.";
    return error.message;
  }
  if (error instanceof NetworkError) return `Could not reach the API at ${config.apiUrl}. Check your connection and try again.`;
  return "Signing in failed; try again.";
}
