import type { ClientAdapter } from './types.js';
import { rawWs } from './raw-ws.js';
import { ours } from './ours.js';
import { reconnectingWebsocket } from './reconnecting-websocket.js';
import { partysocket } from './partysocket.js';
import { sockette } from './sockette.js';

export const ADAPTERS: readonly ClientAdapter[] = [rawWs, ours, reconnectingWebsocket, partysocket, sockette];
export const CLIENT_NAMES = ADAPTERS.map((a) => a.name);

export function adapterByName(name: string): ClientAdapter {
  const a = ADAPTERS.find((x) => x.name === name);
  if (!a) throw new Error(`unknown client "${name}" (known: ${CLIENT_NAMES.join(', ')})`);
  return a;
}

/** Whether a client can be loaded in this checkout (ours only once it has landed). */
export async function isAvailable(name: string): Promise<boolean> {
  try {
    await adapterByName(name).load();
    return true;
  } catch {
    return false;
  }
}
