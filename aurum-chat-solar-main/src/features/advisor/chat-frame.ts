/**
 * The chat panel's frame, shared by the panel and the skeleton shown while its code loads.
 * On a phone it takes the whole screen height once scrolled to, so the transcript keeps
 * room for an estimate card above the suggested replies and the message box.
 */
export const chatFrame =
  'flex h-[calc(100dvh-1rem)] min-h-[30rem] flex-col sm:h-[min(46rem,calc(100dvh-5rem))] overflow-hidden rounded-2xl border border-aurum-200 bg-white shadow-sm';

export const chatHeader =
  'flex items-center justify-between gap-3 border-b border-aurum-100 bg-aurum-50 px-4 py-3';

export const ADVISOR_HEADING_ID = 'advisor-heading';
