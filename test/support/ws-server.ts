/** Small real servers on 127.0.0.1, port 0, for the adapter's integration tests. */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';

export interface EchoServer {
  url: string;
  wss: WebSocketServer;
  /** Server-side sockets, in connection order. */
  connections: ServerSocket[];
  close(): Promise<void>;
}

/** A `ws` echo server; `onConnection` may replace the echo. */
export async function startEchoServer(onConnection?: (socket: ServerSocket) => void): Promise<EchoServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const connections: ServerSocket[] = [];
  wss.on('connection', (socket) => {
    connections.push(socket);
    if (onConnection) onConnection(socket);
    else socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    wss,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never answers (a hung handshake). */
export async function startSilentServer(): Promise<{ url: string; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: NetServer = createNetServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server that answers every upgrade with the given status. */
export async function startRejectingServer(status: number): Promise<{ url: string; attempts: () => number; close(): Promise<void> }> {
  let attempts = 0;
  const server: HttpServer = createHttpServer();
  server.on('upgrade', (_req, socket) => {
    attempts++;
    socket.end(`HTTP/1.1 ${status} Rejected\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 with nothing listening (connections are refused). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
