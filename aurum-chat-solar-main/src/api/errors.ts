/**
 * The two ways a call to the API fails, as errors the UI can tell apart:
 *
 * - `ApiError`: the API answered with an error status. Its body follows the one shape the
 *   backend uses everywhere, `{"error": {"code", "message", "details"}}`.
 * - `NetworkError`: no answer at all (offline, DNS, refused connection, CORS). The API is
 *   unreachable, which a homeowner should hear about in plain words.
 */

/** The backend's error envelope (`ErrorResponse` in `app/core/errors.py`). */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** Stable machine-readable code from the backend, e.g. `not_found`, `rate_limited`. */
  readonly code: string;
  readonly details: unknown;
  /** Seconds to wait from a `Retry-After` header (429, 503), when the API sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; retryAfterSeconds?: number | undefined } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** 4xx: the request itself was refused, so sending it again will not help. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export const NETWORK_ERROR_MESSAGE =
  'We could not reach Aurum Solar right now. Check your internet connection and try again in a moment.';

export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(options?: { cause?: unknown }) {
    super(NETWORK_ERROR_MESSAGE, options);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (!isRecord(body) || !isRecord(body.error)) return false;
  return typeof body.error.code === 'string' && typeof body.error.message === 'string';
}

/**
 * Builds the `ApiError` for a failed response from its parsed body. A body that is not the
 * backend's envelope (a proxy's HTML 502 page, an empty body) still becomes an `ApiError`,
 * with a generic message and the raw body kept in `details`.
 */
export function toApiError(response: Response, body: unknown): ApiError {
  const { status } = response;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  if (isApiErrorBody(body)) {
    return new ApiError(status, body.error.code, body.error.message, {
      details: body.error.details,
      retryAfterSeconds,
    });
  }
  return new ApiError(
    status,
    `http_${String(status)}`,
    `The server answered with an unexpected error (HTTP ${String(status)}).`,
    { details: body, retryAfterSeconds },
  );
}

/** A message fit to show a homeowner for any error a query or mutation throws. */
export function userMessage(error: unknown): string {
  if (error instanceof NetworkError || error instanceof ApiError) return error.message;
  return 'Something went wrong on our side. Please try again.';
}
