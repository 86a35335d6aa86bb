import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, networkFailure, renderWithQueryClient, stubFetch } from '../../test/utils';
import { ServiceStatus } from './ServiceStatus';

const healthyChecks = {
  database: { status: 'ok', backend: 'sqlite', latency_ms: 0.4 },
  cache: { status: 'ok', backend: 'memory', latency_ms: 0.1 },
};

describe('ServiceStatus', () => {
  it('says the service is checking, then online, when /health/ready answers ok', async () => {
    const fetchMock = stubFetch(() =>
      Promise.resolve(jsonResponse({ status: 'ok', checks: healthyChecks, degraded: [] })),
    );

    renderWithQueryClient(<ServiceStatus />);

    expect(screen.getByRole('status')).toHaveTextContent(/checking/i);
    await waitFor(() => {
      expect(screen.getByRole('status')).toHaveTextContent(/online/i);
    });
    expect(screen.getByRole('status')).toHaveTextContent('The advisor service is up and ready.');
    expect(screen.queryByRole('button', { name: /check again/i })).not.toBeInTheDocument();

    const request = fetchMock.mock.calls[0]?.[0];
    expect(request?.method).toBe('GET');
    expect(new URL(request?.url ?? '').pathname).toBe('/health/ready');
  });

  it('says the service is unreachable when fetch rejects, after one retry', async () => {
    const fetchMock = stubFetch(networkFailure);

    renderWithQueryClient(<ServiceStatus />);

    await waitFor(() => {
      expect(screen.getByRole('status')).toHaveTextContent(/unreachable/i);
    });
    expect(screen.getByRole('status')).toHaveTextContent(/could not reach aurum solar/i);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('button', { name: 'Check again' })).toBeInTheDocument();
  });

  it('recovers when the homeowner checks again and the API is back', async () => {
    let apiIsUp = false;
    stubFetch(() =>
      apiIsUp
        ? Promise.resolve(jsonResponse({ status: 'ok', checks: healthyChecks }))
        : networkFailure(),
    );
    const { user } = renderWithQueryClient(<ServiceStatus />);
    const checkAgain = await screen.findByRole('button', { name: 'Check again' });

    apiIsUp = true;
    await user.click(checkAgain);

    await waitFor(() => {
      expect(screen.getByRole('status')).toHaveTextContent(/online/i);
    });
    expect(screen.queryByRole('button', { name: /check again/i })).not.toBeInTheDocument();
  });

  it.each([
    {
      case: 'degraded (200): Redis down, in-process fallback serving',
      status: 200,
      body: {
        status: 'degraded',
        checks: {
          ...healthyChecks,
          cache: { status: 'unavailable', backend: 'redis', fallback: 'memory' },
        },
        degraded: ['redis'],
      },
      label: /online, running on backup systems/i,
    },
    {
      case: 'unavailable (503): database down, report in the body',
      status: 503,
      body: {
        status: 'unavailable',
        checks: { ...healthyChecks, database: { status: 'unavailable', backend: 'postgresql' } },
      },
      label: /unavailable/i,
    },
    {
      case: 'an error envelope (500)',
      status: 500,
      body: { error: { code: 'internal_error', message: 'The server hit an unexpected error.' } },
      label: /the server hit an unexpected error/i,
    },
  ])('shows $case', async ({ status, body, label }) => {
    stubFetch(() => Promise.resolve(jsonResponse(body, status)));

    renderWithQueryClient(<ServiceStatus />);

    await waitFor(() => {
      expect(screen.getByRole('status')).toHaveTextContent(label);
    });
  });
});
