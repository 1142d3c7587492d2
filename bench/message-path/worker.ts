// One client per process: CPU ns per message through the client versus the fake
// socket used directly, for send and for receive. Rounds interleave the four
// measurements in rotating order; the first rounds are warm-up.
import { argMap, childGuard, finish } from '../lib/child.js';
import { FakeWebSocket } from '../lib/fake-websocket.js';
import { adapterByName } from '../clients/index.js';
import { median, rotate } from '../lib/stats.js';

childGuard(120_000);
const args = argMap();
const client = adapterByName(args.client!);
const iterations = Number(args.iterations ?? 200_000);
const rounds = Number(args.rounds ?? 15);
const warmup = Number(args.warmup ?? 3);
const PAYLOAD = 'x'.repeat(64);

await client.load();
const tick = () => new Promise<void>((r) => setImmediate(r));

let sink = 0;
// Baseline: the fake used directly, with the same kind of user handler.
const direct = new FakeWebSocket('ws://fake/direct');
const userHandlerDirect = (data: unknown) => {
  if (data === PAYLOAD) sink++;
};
direct.onmessage = (e: { data: unknown }) => userHandlerDirect(e.data);

let opened = false;
const conn = client.connect({
  url: 'ws://fake/client',
  WebSocket: FakeWebSocket,
  onOpen: () => {
    opened = true;
  },
  onMessage: (data: unknown) => {
    if (data === PAYLOAD) sink++;
  },
});
for (let i = 0; i < 100 && !opened; i++) await tick();
if (!opened) throw new Error(`${client.name}: fake socket never reported open`);
const viaClient = FakeWebSocket.instances.at(-1)!;
if (viaClient === direct) throw new Error('client did not construct a socket');

type Kind = 'directSend' | 'clientSend' | 'directRecv' | 'clientRecv';
const bodies: Record<Kind, () => void> = {
  directSend() {
    for (let i = 0; i < iterations; i++) direct.send(PAYLOAD);
  },
  clientSend() {
    for (let i = 0; i < iterations; i++) conn.send(PAYLOAD);
  },
  directRecv() {
    for (let i = 0; i < iterations; i++) direct.deliver(PAYLOAD);
  },
  clientRecv() {
    for (let i = 0; i < iterations; i++) viaClient.deliver(PAYLOAD);
  },
};

function measure(body: () => void): { cpuNs: number; wallNs: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  body();
  const wall = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  return { cpuNs: ((c.user + c.system) * 1000) / iterations, wallNs: wall / iterations };
}

const kinds: Kind[] = ['directSend', 'clientSend', 'directRecv', 'clientRecv'];
const samples: Record<Kind, { cpu: number[]; wall: number[] }> = {
  directSend: { cpu: [], wall: [] },
  clientSend: { cpu: [], wall: [] },
  directRecv: { cpu: [], wall: [] },
  clientRecv: { cpu: [], wall: [] },
};
const sentBefore = viaClient.sent;
for (let r = 0; r < warmup + rounds; r++) {
  for (const k of rotate(kinds, r)) {
    const m = measure(bodies[k]);
    if (r >= warmup) {
      samples[k].cpu.push(m.cpuNs);
      samples[k].wall.push(m.wallNs);
    }
    await tick(); // let timers (heartbeats etc.) run between measurements
  }
}
// Sanity: every send reached the fake and every delivery reached the handler.
const expectedSends = (warmup + rounds) * iterations;
const sendsReached = viaClient.sent - sentBefore;
const expectedSink = 2 * (warmup + rounds) * iterations;

// Per-round differences, then the median of those (pairs measured close in time).
const diffs = (a: number[], b: number[]) => a.map((x, i) => x - b[i]!);
/** Per-message cost through the client against the fake called directly, as medians over rounds. */
function compare(through: { cpu: number[]; wall: number[] }, direct: { cpu: number[]; wall: number[] }) {
  const addedCpu = diffs(through.cpu, direct.cpu);
  return {
    directCpuNs: median(direct.cpu),
    clientCpuNs: median(through.cpu),
    addedCpuNs: median(addedCpu),
    addedWallNs: median(diffs(through.wall, direct.wall)),
    addedCpuNsRounds: addedCpu,
  };
}

finish({
  client: client.name,
  iterations,
  rounds,
  send: compare(samples.clientSend, samples.directSend),
  recv: compare(samples.clientRecv, samples.directRecv),
  check: { sendsReached, expectedSends, delivered: sink, expectedDelivered: expectedSink },
});
