/**
 * Everything the public site keeps in the browser, in one list, so the privacy page can
 * name each entry and a test can check that the list is complete.
 */
import { SESSION_STORAGE_KEY as ANALYTICS_SESSION_KEY } from '../../lib/analytics/reporter';
import { CONVERSATION_STORAGE_KEY } from '../advisor/conversation-storage';
import { QUOTE_THANKS_KEY } from '../lead-form/thanks-storage';

export interface StorageEntry {
  key: string;
  where: 'localStorage' | 'sessionStorage';
  holds: string;
  lasts: string;
}

export const BROWSER_STORAGE: readonly StorageEntry[] = [
  {
    key: CONVERSATION_STORAGE_KEY,
    where: 'localStorage',
    holds: 'the id of your chat and the random token that lets this browser reopen it',
    lasts: 'until you choose "Start over" or clear your browser data',
  },
  {
    key: ANALYTICS_SESSION_KEY,
    where: 'sessionStorage',
    holds: 'a random id that groups the page views of this tab for our visit statistics',
    lasts: 'until you close the tab; never set when your browser asks not to be tracked',
  },
  {
    key: QUOTE_THANKS_KEY,
    where: 'sessionStorage',
    holds:
      'after you send the quote form: its reference number, whether it was passed on and the estimate, so the thank-you page survives a reload (no name, email, phone or address)',
    lasts: 'until you close the tab',
  },
];
