import { queryOptions } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { Estimate, EstimateInput, LeadCreate, LeadReceipt } from '../../api/types';

/** The consent text the form must show, and the version to send back with it. */
export const consentDisclosureQuery = queryOptions({
  queryKey: ['leads', 'consent-disclosure'],
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/leads/consent-disclosure', { signal })),
  staleTime: Infinity,
});

/**
 * Sends the form. `idempotencyKey` names this submission: sending the same request again
 * with the same key (after a network failure) returns the first result, never a second lead.
 */
export function createLead(body: LeadCreate, idempotencyKey: string): Promise<LeadReceipt> {
  return unwrap(
    api.POST('/api/v1/leads', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } }),
  );
}

/** The estimate the form shows before it asks for contact details (nothing is stored). */
export function fetchEstimate(body: EstimateInput): Promise<Estimate> {
  return unwrap(api.POST('/api/v1/solar/estimate', { body }));
}
