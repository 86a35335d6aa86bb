import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';

import { NetworkError, userMessage } from '../../api/errors';
import { secondaryAction } from '../../components/ui/styles';
import { readinessQuery, type Readiness } from './readiness';

type Tone = 'checking' | 'ok' | 'degraded' | 'down';

interface StatusView {
  tone: Tone;
  label: string;
  detail: string;
  canRetry: boolean;
}

const dotByTone: Record<Tone, string> = {
  checking: 'bg-stone-400 motion-safe:animate-pulse',
  ok: 'bg-green-600',
  degraded: 'bg-aurum-500',
  down: 'bg-red-600',
};

const byReadiness: Record<Readiness['status'], StatusView> = {
  ok: {
    tone: 'ok',
    label: 'Online',
    detail: 'The advisor service is up and ready.',
    canRetry: false,
  },
  degraded: {
    tone: 'degraded',
    label: 'Online, running on backup systems',
    detail: 'The advisor service is up, but replies may be slower than usual.',
    canRetry: false,
  },
  unavailable: {
    tone: 'down',
    label: 'Unavailable',
    detail: 'The advisor service is temporarily unavailable. Please try again in a few minutes.',
    canRetry: true,
  },
};

function describe(query: UseQueryResult<Readiness>): StatusView {
  if (query.status === 'pending') {
    return {
      tone: 'checking',
      label: 'Checking…',
      detail: 'Checking whether the advisor service is available.',
      canRetry: false,
    };
  }
  if (query.status === 'error') {
    return {
      tone: 'down',
      label: query.error instanceof NetworkError ? 'Unreachable' : 'Error',
      detail: userMessage(query.error),
      canRetry: true,
    };
  }
  return byReadiness[query.data.status];
}

/** Live state of the API behind the advisor, from `GET /health/ready`. */
export function ServiceStatus() {
  const query = useQuery(readinessQuery);
  const view = describe(query);
  const headingId = useId();

  return (
    <div className="rounded-xl border border-aurum-200 bg-white p-4 sm:p-5">
      <h3 id={headingId} className="text-sm font-semibold text-ink-muted">
        Advisor service status
      </h3>
      <div role="status" aria-labelledby={headingId} className="mt-2 flex items-start gap-3">
        <span
          aria-hidden="true"
          className={`mt-1.5 size-3 shrink-0 rounded-full ${dotByTone[view.tone]}`}
        />
        <p>
          <span className="block font-semibold text-ink">{view.label}</span>
          <span className="block text-sm text-ink-muted">{view.detail}</span>
        </p>
      </div>
      {view.canRetry && (
        <button
          type="button"
          className={`${secondaryAction} mt-4`}
          onClick={() => {
            void query.refetch();
          }}
        >
          {query.isFetching ? 'Checking…' : 'Check again'}
        </button>
      )}
    </div>
  );
}
