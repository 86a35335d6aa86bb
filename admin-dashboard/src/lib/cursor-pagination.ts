/**
 * Keyset pagination in the URL. The API pages with an opaque `cursor` (from `next_cursor`);
 * going back needs the cursors of the pages before, so they ride along as repeated `prev`
 * parameters: `?cursor=c3&prev=c1&prev=c2` is page 4 (page 1 has no cursor). Every view is a
 * link: reload it, share it, press Back.
 */

export const CURSOR_PARAM = "cursor";
export const PREVIOUS_PARAM = "prev";

export interface CursorPage {
  cursor: string | undefined;
  /** Cursors of the pages between the first page and this one, oldest first. */
  previous: string[];
  /** 1-based. */
  pageNumber: number;
}

export function readCursorPage(params: URLSearchParams): CursorPage {
  const cursor = params.get(CURSOR_PARAM) ?? undefined;
  if (!cursor) return { cursor: undefined, previous: [], pageNumber: 1 };
  const previous = params.getAll(PREVIOUS_PARAM).filter(Boolean);
  return { cursor, previous, pageNumber: previous.length + 2 };
}

/** The same view at the first page (after any change of filters or sort). */
export function firstPageParams(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(CURSOR_PARAM);
  next.delete(PREVIOUS_PARAM);
  return next;
}

export function nextPageParams(params: URLSearchParams, nextCursor: string): URLSearchParams {
  const { cursor, previous } = readCursorPage(params);
  const next = firstPageParams(params);
  for (const earlier of cursor ? [...previous, cursor] : []) next.append(PREVIOUS_PARAM, earlier);
  next.set(CURSOR_PARAM, nextCursor);
  return next;
}

export function previousPageParams(params: URLSearchParams): URLSearchParams {
  const { previous } = readCursorPage(params);
  const next = firstPageParams(params);
  const before = previous.at(-1);
  if (before === undefined) return next;
  for (const earlier of previous.slice(0, -1)) next.append(PREVIOUS_PARAM, earlier);
  next.set(CURSOR_PARAM, before);
  return next;
}
