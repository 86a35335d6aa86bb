import { describe, expect, it } from 'vitest';

import {
  ApiError,
  isApiErrorBody,
  NetworkError,
  parseRetryAfter,
  toApiError,
  userMessage,
} from './errors';

function failedResponse(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

describe('toApiError', () => {
  it("parses the backend's error shape", () => {
    const error = toApiError(failedResponse(422), {
      error: {
        code: 'validation_error',
        message: 'The request is not valid.',
        details: [{ loc: ['body', 'zip'], msg: 'String should match pattern' }],
      },
    });

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'validation_error',
      message: 'The request is not valid.',
      details: [{ loc: ['body', 'zip'], msg: 'String should match pattern' }],
      retryAfterSeconds: undefined,
      isClientError: true,
    });
  });

  it('keeps how long to wait from Retry-After', () => {
    const error = toApiError(failedResponse(429, { 'Retry-After': '12' }), {
      error: { code: 'rate_limited', message: 'Too many requests; slow down.' },
    });

    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 12 });
  });

  it('keeps a body that is not the error shape as details, with a generic message', () => {
    const error = toApiError(failedResponse(502), '<html>Bad Gateway</html>');

    expect(error).toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'The server answered with an unexpected error (HTTP 502).',
      details: '<html>Bad Gateway</html>',
      isClientError: false,
    });
  });

  it.each([
    null,
    'text',
    { detail: 'Not Found' },
    { error: 'boom' },
    { error: { code: 404, message: 'numeric code' } },
    { error: { code: 'not_found' } },
  ])('does not mistake %j for the error shape', (body) => {
    expect(isApiErrorBody(body)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it.each([
    ['5', 5],
    ['0', 0],
    ['1.2', 2],
    ['Sun, 01 Jun 2025 12:00:30 GMT', 30],
    ['Sun, 01 Jun 2025 11:59:00 GMT', 0],
    ['', undefined],
    ['soon', undefined],
    [null, undefined],
  ])('reads %j as %j seconds', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});

describe('userMessage', () => {
  it('tells the homeowner the API is unreachable for a network failure', () => {
    expect(userMessage(new NetworkError({ cause: new TypeError('Failed to fetch') }))).toMatch(
      /could not reach aurum solar/i,
    );
  });

  it("passes on the API's own message", () => {
    expect(userMessage(new ApiError(409, 'conflict', 'This lead was already submitted.'))).toBe(
      'This lead was already submitted.',
    );
  });

  it('never shows the text of an unexpected exception', () => {
    expect(userMessage(new Error('Cannot read properties of undefined'))).toBe(
      'Something went wrong on our side. Please try again.',
    );
  });
});
