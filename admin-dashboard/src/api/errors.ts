/**
 * The two ways an API call fails: the API answered with an error (`ApiError`, carrying the
 * backend's `{"error": {"code", "message", "details"}}` body and the HTTP status), or it
 * could not be reached at all (`NetworkError`: offline, DNS, CORS, server down).
 */

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (!isRecord(value) || !isRecord(value.error)) return false;
  return typeof value.error.code === "string" && typeof value.error.message === "string";
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && header.trim() !== "") return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  /** Stable machine-readable code from the backend, or `http_<status>` when the body had none. */
  readonly code: string;
  readonly details: unknown;
  /** Seconds from a `Retry-After` header (429, 503), when the API sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * Build from a failed response and its already-parsed body (openapi-fetch parses it).
   * Bodies that are not the backend's error shape (a proxy's HTML page, an empty 502) still
   * give a usable error instead of a crash.
   */
  static fromResponse(response: Response, body: unknown): ApiError {
    const retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"));
    if (isApiErrorBody(body)) {
      return new ApiError(response.status, body.error.code, body.error.message, {
        details: body.error.details ?? undefined,
        retryAfterSeconds,
      });
    }
    const reason = response.statusText || "Request failed";
    return new ApiError(response.status, `http_${response.status}`, `${reason} (HTTP ${response.status}).`, {
      retryAfterSeconds,
    });
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export class NetworkError extends Error {
  override readonly name = "NetworkError";
  readonly url: string;

  constructor(url: string, options?: { cause?: unknown }) {
    super(`Could not reach the API at ${url}.`, options);
    this.url = url;
  }
}

/** A request cancelled on purpose (TanStack Query aborts queries nobody needs any more). */
export function isAbortError(error: unknown): boolean {
  // Checked by name: a DOMException is not always an `Error` instance across realms.
  return isRecord(error) && error.name === "AbortError";
}
