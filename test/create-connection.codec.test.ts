/**
 * The `codec` option through `createConnection` on a fake WebSocket: parse on every inbound
 * message (a refusal is an error event with the raw data, and the connection stays up), serialize
 * on every send (queued or direct), and raw data for the heartbeat and the handshake.
 */
import { describe, expect, it } from 'vitest';
import { json } from '../src/index.js';
import { connectWithFake } from './support/harness.js';

type ServerMessage = { type: string };
type ClientMessage = { type: 'join'; room: string };

describe('codec through createConnection', () => {
  it('serialises every send, queued and direct, and parses every message', () => {
    const h = connectWithFake({ codec: json<ServerMessage, ClientMessage>() as never }); // the harness takes untyped options
    const conn = h.conn as unknown as import('../src/index.js').Connection<ServerMessage, ClientMessage>;
    const messages: ServerMessage[] = [];
    conn.on('message', (message) => messages.push(message));
    conn.send({ type: 'join', room: 'lobby' });
    const socket = h.server.latest();
    socket.accept();
    conn.send({ type: 'join', room: 'kitchen' });
    expect(socket.sent).toEqual(['{"type":"join","room":"lobby"}', '{"type":"join","room":"kitchen"}']);
    socket.receive('{"type":"chat"}');
    socket.receive(new TextEncoder().encode('{"type":"bytes"}').buffer);
    expect(messages).toEqual([{ type: 'chat' }, { type: 'bytes' }]);
  });

  it('a message parse throws on is not delivered: an error event carries the raw data and the cause, and the connection stays up', () => {
    const h = connectWithFake({ codec: json() });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('{not json');
    socket.receive('{"ok":true}');
    expect(h.payloads('message')).toEqual([{ ok: true }]);
    const [error] = h.payloads('error');
    expect(error).toMatchObject({ data: '{not json', message: expect.stringMatching(/^codec\.parse threw \(message not delivered\): /) });
    expect(error!.error).toBeInstanceOf(SyntaxError);
    expect(h.conn.status).toBe('open');
    expect(socket.closeCall).toBeNull();
  });

  it('serialize throwing makes send throw a TypeError with the cause, and nothing is queued or sent', () => {
    const h = connectWithFake({ codec: json() });
    expect(() => h.conn.send(undefined as never)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let thrown: unknown;
    try {
      h.conn.send(cycle as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(/^xstate-websocket: codec\.serialize threw: /);
    expect((thrown as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual([]);
    expect(h.payloads('dropped')).toEqual([]);
  });

  it('what serialize makes must be sendable data', () => {
    const h = connectWithFake({ codec: { parse: (data) => data, serialize: () => ({}) as never } });
    expect(() => h.conn.send('x')).toThrow(/`codec\.serialize`/);
  });

  it('pings, pongs, the hello and reply see raw data; only app messages go through the codec', () => {
    const replies: unknown[] = [];
    const h = connectWithFake({
      codec: json(),
      heartbeat: { intervalMs: 1_000, timeoutMs: 500 },
      handshake: { hello: () => 'hello', reply: (data) => (replies.push(data), data === 'ready' ? 'ready' : undefined) },
    });
    const socket = h.server.latest();
    socket.accept();
    socket.receive('"early"');
    socket.receive('ready');
    h.advance(1_000);
    socket.receive('pong');
    expect(socket.sent).toEqual(['hello', 'ping']);
    expect(replies).toEqual(['"early"', 'ready']);
    expect(h.payloads('message')).toEqual(['early']);
    expect(h.payloads('error')).toEqual([]);
  });

  it('without a codec, messages are the data as received and send takes raw data', () => {
    const h = connectWithFake();
    const socket = h.server.latest();
    socket.accept();
    h.conn.send('raw');
    socket.receive('{"not":"parsed"}');
    expect(socket.sent).toEqual(['raw']);
    expect(h.payloads('message')).toEqual(['{"not":"parsed"}']);
  });
});
