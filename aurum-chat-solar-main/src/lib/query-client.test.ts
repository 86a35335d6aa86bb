import { describe, expect, it } from 'vitest';

import { ApiError, NetworkError } from '../api/errors';
import { createQueryClient, shouldRetryQuery } from './query-client';

describe('shouldRetryQuery', () => {
  it.each([
    { error: new NetworkError(), failures: 0, retry: true },
    { error: new NetworkError(), failures: 1, retry: false },
    { error: new ApiError(503, 'service_unavailable', 'Down'), failures: 0, retry: true },
    { error: new ApiError(500, 'internal_error', 'Oops'), failures: 1, retry: false },
    { error: new ApiError(404, 'not_found', 'Gone'), failures: 0, retry: false },
    { error: new ApiError(422, 'validation_error', 'Bad ZIP'), failures: 0, retry: false },
    { error: new ApiError(429, 'rate_limited', 'Slow down'), failures: 0, retry: false },
    { error: new TypeError('bad JSON'), failures: 0, retry: true },
  ])(
    'after $failures failure(s) with $error.name $error.message: retry=$retry',
    ({ error, failures, retry }) => {
      expect(shouldRetryQuery(failures, error)).toBe(retry);
    },
  );
});

describe('createQueryClient', () => {
  it('does not refetch on window focus and never retries mutations', () => {
    const defaults = createQueryClient().getDefaultOptions();

    expect(defaults.queries?.refetchOnWindowFocus).toBe(false);
    expect(defaults.queries?.retry).toBe(shouldRetryQuery);
    expect(defaults.mutations?.retry).toBe(false);
  });
});
