import { describe, expect, it } from 'vitest';

import { config } from '../config';
import { jsonResponse, networkFailure, stubFetch } from '../test/utils';
import { api, unwrap } from './client';
import { ApiError, NetworkError } from './errors';

describe('api client', () => {
  it('calls the configured API origin and returns the typed body', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse({ status: 'ok' })));

    const health = await unwrap(api.GET('/health'));

    expect(health.status).toBe('ok');
    expect(fetchMock.mock.calls[0]?.[0].url).toBe(`${config.apiUrl}/health`);
  });

  it('throws ApiError with the fields of an error response', async () => {
    stubFetch(() =>
      Promise.resolve(
        jsonResponse(
          {
            error: {
              code: 'rate_limited',
              message: 'Too many requests; slow down.',
              details: null,
            },
          },
          429,
          { 'Retry-After': '30' },
        ),
      ),
    );

    const failure = unwrap(api.GET('/health'));

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Too many requests; slow down.',
      retryAfterSeconds: 30,
    });
  });

  it('throws NetworkError when the API cannot be reached', async () => {
    stubFetch(networkFailure);

    const failure = unwrap(api.GET('/health'));

    await expect(failure).rejects.toBeInstanceOf(NetworkError);
    await expect(failure).rejects.toMatchObject({ cause: new TypeError('Failed to fetch') });
  });

  it('lets a cancelled request stay a cancellation, not an outage', async () => {
    const controller = new AbortController();
    stubFetch(() => {
      controller.abort();
      return Promise.reject(new DOMException('The operation was aborted.', 'AbortError'));
    });

    const failure = unwrap(api.GET('/health', { signal: controller.signal }));

    await expect(failure).rejects.toMatchObject({ name: 'AbortError' });
    await expect(failure).rejects.not.toBeInstanceOf(NetworkError);
  });
});
