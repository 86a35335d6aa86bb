import { describe, expect, it } from 'vitest';

import { createSseParser, readEventStream, type SseEvent } from './sse';

const encoder = new TextEncoder();

/** Feeds `bytes` to a fresh parser cut at `cuts` (byte offsets) and collects every event. */
function parseInPieces(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const parser = createSseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.slice(start, cut)));
    start = cut;
  }
  events.push(...parser.end());
  return events;
}

// A streamed advisor turn as the API sends it, with a few things the spec allows on top:
// a comment, CRLF and lone-CR line ends, a multi-line data field, and multi-byte text
// (an em dash, "é" and an emoji) that a chunk boundary can split between bytes.
const TURN =
  ': keep-alive\n\n' +
  'event: delta\ndata: {"index": 0, "text": "Here\'s your estimate — "}\n\n' +
  'event: delta\r\ndata: {"index": 0, "text": "for Phoenix ☀️"}\r\n\r\n' +
  'event: delta\rdata: {"index": 1, "text": "Café?"}\r\r' +
  'event: state\ndata: {"messages": [],\ndata:  "state": {}}\n\n' +
  'event: done\ndata: {}\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"index": 0, "text": "Here\'s your estimate — "}' },
  { event: 'delta', data: '{"index": 0, "text": "for Phoenix ☀️"}' },
  { event: 'delta', data: '{"index": 1, "text": "Café?"}' },
  { event: 'state', data: '{"messages": [],\n "state": {}}' },
  { event: 'done', data: '{}' },
];

describe('createSseParser', () => {
  it('parses a whole stream in one chunk', () => {
    expect(parseInPieces(encoder.encode(TURN), [])).toEqual(EXPECTED);
  });

  it('gives the same events wherever a single chunk boundary falls', () => {
    const bytes = encoder.encode(TURN);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(parseInPieces(bytes, [cut]), `cut at byte ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events when every byte arrives on its own', () => {
    const bytes = encoder.encode(TURN);
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(parseInPieces(bytes, everyByte)).toEqual(EXPECTED);
  });

  it('gives the same events for random three-way splits', () => {
    const bytes = encoder.encode(TURN);
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) % bytes.length;
    for (let round = 0; round < 200; round += 1) {
      const cuts = [next(), next()].sort((a, b) => a - b);
      expect(parseInPieces(bytes, cuts)).toEqual(EXPECTED);
    }
  });

  it('keeps a CR at the end of a chunk waiting for a possible LF', () => {
    const parser = createSseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([]);
    // The CR that ended the chunk was a line end of its own: a blank line, so dispatch.
    expect(parser.push('data: b\n\n')).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('names events "message" by default and drops only one space after the colon', () => {
    const parser = createSseParser();
    expect(parser.push('data:no space\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: 'no space\n two spaces' },
    ]);
  });

  it('ignores unknown fields, id and retry, and events without data', () => {
    const parser = createSseParser();
    expect(
      parser.push('id: 7\nretry: 1000\nfoo: bar\n\nevent: ping\n\nevent: done\ndata\n\n'),
    ).toEqual([{ event: 'done', data: '' }]);
  });

  it('strips a leading byte-order mark', () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...encoder.encode('event: done\ndata: {}\n\n'),
    ]);
    expect(parseInPieces(bytes, [1, 2])).toEqual([{ event: 'done', data: '{}' }]);
  });

  it('discards an event the stream cut off before its blank line', () => {
    const parser = createSseParser();
    expect(parser.push('event: delta\ndata: {"index": 0, "text": "Hel')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});

describe('readEventStream', () => {
  it('reads a byte stream to its end, in order', async () => {
    const bytes = encoder.encode(TURN);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < bytes.length; index += 5) {
          controller.enqueue(bytes.slice(index, index + 5));
        }
        controller.close();
      },
    });
    const events: SseEvent[] = [];

    await readEventStream(body, (event) => events.push(event));

    expect(events).toEqual(EXPECTED);
  });

  it('rejects when the stream breaks, after delivering the events before the break', async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) {
          controller.error(new TypeError('network error'));
          return;
        }
        sent = true;
        controller.enqueue(encoder.encode('event: delta\ndata: {"index": 0, "text": "Hi"}\n\n'));
      },
    });
    const events: SseEvent[] = [];

    await expect(readEventStream(body, (event) => events.push(event))).rejects.toThrow(
      'network error',
    );
    expect(events).toEqual([{ event: 'delta', data: '{"index": 0, "text": "Hi"}' }]);
  });
});
