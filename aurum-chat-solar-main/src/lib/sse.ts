/**
 * Server-sent events over any byte stream, for a POST whose response streams (which
 * `EventSource`, GET-only, cannot send). Follows the WHATWG parsing rules: lines end in
 * CRLF, LF or CR; `:` starts a comment; one optional space after the colon is dropped;
 * several `data:` lines join with "\n"; a blank line dispatches; an event cut off by the
 * end of the stream is discarded.
 */

export interface SseEvent {
  /** The `event:` field, or `message` when the event named none. */
  event: string;
  data: string;
}

export interface SseParser {
  /** Parses the next chunk (split anywhere, even inside a UTF-8 character); returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[];
  /** The stream ended: returns any event completed by the final bytes. */
  end(): SseEvent[];
}

export function createSseParser(): SseParser {
  const decoder = new TextDecoder(); // UTF-8, and drops a leading byte-order mark
  let buffer = '';
  let eventType = '';
  let dataLines: string[] | null = null;

  function processLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (dataLines !== null)
        events.push({ event: eventType || 'message', data: dataLines.join('\n') });
      eventType = '';
      dataLines = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') (dataLines ??= []).push(value);
    // `id` and `retry` steer EventSource reconnection, which a POST never does.
  }

  function drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A CR as the last character may be the first half of a CRLF still on its way.
      if (end === cr && end === buffer.length - 1 && !final) break;
      processLine(buffer.slice(start, end), events);
      start = end + (end === cr && buffer[end + 1] === '\n' ? 2 : 1);
    }
    buffer = buffer.slice(start);
    return events;
  }

  return {
    push(chunk) {
      buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      return drain(false);
    },
    end() {
      buffer += decoder.decode();
      const events = drain(true);
      buffer = '';
      eventType = '';
      dataLines = null;
      return events;
    },
  };
}

/** Reads a `text/event-stream` body to its end, calling `onEvent` for each event in order. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
): Promise<void> {
  const parser = createSseParser();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value).forEach(onEvent);
    }
    parser.end().forEach(onEvent);
  } finally {
    reader.releaseLock();
  }
}
