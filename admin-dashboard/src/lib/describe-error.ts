import { ApiError, NetworkError } from "@/api/errors";
import { config } from "@/config";

import { plural } from "./format";

/** What a failed request means to the person looking at the page. */
export function describeError(error: Error): string {
  if (error instanceof NetworkError) {
    return `Could not reach the API at ${config.apiUrl}. Check your connection and try again.`;
  }
  if (error instanceof ApiError) {
    switch (error.status) {
      case 403:
        return `You don't have access to this. ${error.message}`;
      case 404:
        return `Not found. ${error.message}`;
      case 429:
        return error.retryAfterSeconds === undefined
          ? "Too many requests; wait a moment and try again."
          : `Too many requests; try again in ${plural(Math.max(1, Math.ceil(error.retryAfterSeconds)), "second")}.`;
      default:
        return error.message;
    }
  }
  return error.message || "Something went wrong.";
}
