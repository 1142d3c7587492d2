// Baseline: the WebSocket constructor used directly through its browser-style API
// (onopen/onmessage), which is the API every wrapper below also consumes.
import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';

export const rawWs: ClientAdapter = {
  name: 'raw-ws',
  packageName: 'ws',
  reconnects: false,
  async load() {},
  connect(o: ConnectOptions): BenchConnection {
    const ws = new o.WebSocket(o.url);
    ws.binaryType = 'arraybuffer';
    const onMessage = o.onMessage;
    if (o.onOpen) ws.onopen = () => o.onOpen!();
    if (onMessage) ws.onmessage = (e: { data: unknown }) => onMessage(e.data);
    if (o.onClose) ws.onclose = () => o.onClose!();
    ws.onerror = () => {};
    return {
      send: (d) => ws.send(d),
      close: () => ws.close(),
    };
  },
};
