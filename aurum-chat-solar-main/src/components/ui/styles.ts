/** Shared class lists, so pages line up and controls look and behave the same everywhere. */

/** The centred column every page section puts its content in. */
export const pageContainer = 'mx-auto w-full max-w-5xl px-4 sm:px-6';

const control =
  'inline-flex min-h-11 items-center justify-center gap-2 rounded-lg px-5 py-2.5 text-base font-semibold transition-colors';

export const primaryAction = `${control} bg-aurum-400 text-ink shadow-sm hover:bg-aurum-300`;

export const secondaryAction = `${control} border border-aurum-700 bg-white text-aurum-800 hover:bg-aurum-50`;

export const textLink =
  'font-medium text-aurum-700 underline underline-offset-4 hover:text-aurum-900';
