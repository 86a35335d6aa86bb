/**
 * The thank-you page's memory, so a reload still shows the reference and the estimate.
 * sessionStorage (this tab only, gone when it closes) holds the receipt the API returned
 * (reference, time, whether it was passed on, the estimate) and whether the homeowner
 * said they own the home: never a name, email, phone or address. Blocked storage just
 * means a reload shows the plain "request received" page.
 */
import type { LeadReceipt } from '../../api/types';

export const QUOTE_THANKS_KEY = 'aurum.quote.thanks';

export interface StoredThanks {
  receipt: LeadReceipt;
  homeowner: boolean;
}

export function storeThanks(thanks: StoredThanks): void {
  const { id, received_at, qualified, estimate } = thanks.receipt;
  try {
    sessionStorage.setItem(
      QUOTE_THANKS_KEY,
      JSON.stringify({
        receipt: { id, received_at, qualified, estimate },
        homeowner: thanks.homeowner,
      }),
    );
  } catch {
    // Full or blocked: the page still shows it until a reload.
  }
}

function isStoredThanks(value: unknown): value is StoredThanks {
  if (typeof value !== 'object' || value === null) return false;
  if (!('receipt' in value) || !('homeowner' in value)) return false;
  const { receipt, homeowner } = value;
  return (
    typeof homeowner === 'boolean' &&
    typeof receipt === 'object' &&
    receipt !== null &&
    'id' in receipt &&
    typeof receipt.id === 'string' &&
    'qualified' in receipt &&
    typeof receipt.qualified === 'boolean' &&
    'estimate' in receipt &&
    (receipt.estimate === null || typeof receipt.estimate === 'object')
  );
}

export function readThanks(): StoredThanks | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(QUOTE_THANKS_KEY) ?? 'null');
    return isStoredThanks(value) ? value : null;
  } catch {
    return null;
  }
}

export function forgetThanks(): void {
  try {
    sessionStorage.removeItem(QUOTE_THANKS_KEY);
  } catch {
    // Nothing to forget.
  }
}
