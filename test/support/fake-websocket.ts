/**
 * The project's tests on the public testing kit (`xstate-websocket/testing`, src/testing/), so the
 * kit cannot rot: the names the tests were written with, mapped onto the kit's.
 * `receive` is the kit's `serverSend`, `rejectUpgrade` its `refuse(status)`, `refused` its
 * `refusedSends`; everything else is the kit's own (`dispatch` stays reachable for tests that fire
 * raw events).
 */
import { TestServer, TestWebSocket, type TestServerOptions } from '../../src/testing/index.js';

export type FakeWebSocketServerOptions = TestServerOptions;

export function createFakeWebSocketServer(options: FakeWebSocketServerOptions = {}): FakeWebSocketServer {
  return new FakeWebSocketServer(options);
}

export class FakeWebSocket extends TestWebSocket {
  /** A message from the server (binary delivered as `binaryType` asks). */
  receive(data: unknown): void {
    this.serverSend(data as string);
  }
  /** The server answers the upgrade with an HTTP status instead of 101. */
  rejectUpgrade(status: number): void {
    this.refuse(status);
  }
  /** Messages `send` threw for while OPEN (see `refuseSend`). */
  get refused(): unknown[] {
    return this.refusedSends;
  }
}

export class FakeWebSocketServer extends TestServer<FakeWebSocket> {
  constructor(options: FakeWebSocketServerOptions = {}) {
    super(options, FakeWebSocket);
  }
}
