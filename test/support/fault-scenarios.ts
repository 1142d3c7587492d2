/**
 * The fault scenarios, written once and run per WebSocket implementation: `ws`, Node's built-in
 * WebSocket and Chromium's. Each test file supplies a `ClientImplementation` (how to run an
 * instrumented client there) and its capabilities; the fault server always runs in this process.
 * Where a scenario cannot apply to an implementation, the skipped test's name says why.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DENIAL_REASON, killOnRequest, startFaultServer, type FaultServer } from './fault-server.js';
import { histogram, type ClientOptions, type ClientSpec, type ClientState } from './instrumented-client.js';
import type { CLIENT_METHODS, InstrumentedClient } from './instrumented-client.js';
import { sleep, waitFor } from './wait-for.js';

/** An instrumented client running somewhere (this process, or a browser page): its methods, awaited. */
export type RemoteClient = {
  [K in (typeof CLIENT_METHODS)[number]]: (
    ...args: Parameters<InstrumentedClient[K]>
  ) => Promise<Awaited<ReturnType<InstrumentedClient[K]>>>;
} & {
  /** Dispatches an `offline` or `online` event on the client's window. */
  dispatchNetwork(type: 'offline' | 'online'): Promise<void>;
};

/** What an implementation can show; scenarios that need more are skipped with the reason. */
export interface Capabilities {
  /** Shown in every test name. */
  name: string;
  /** The HTTP status of a rejected upgrade reaches the adapter (`ws` only; browsers and undici hide it). */
  seesUpgradeStatus: boolean;
  /** Sockets have `terminate()`, so an abandoned socket's TCP connection is dropped at once. */
  canTerminate: boolean;
  /** The default environment hears the window's `offline`/`online` events (browsers; Node has no window). */
  hasWindowEvents: boolean;
  /** Runs in this Node process, so its handles show in `process.getActiveResourcesInfo()`. */
  inProcess: boolean;
  /**
   * close() while CONNECTING leaves readyState at CLOSING for good, with no close event: Node 20's
   * bundled undici (nodejs/undici#3697, fixed upstream by #3701). The adapter copes (it takes the
   * 'error' as the end); the cycle test counts these sockets instead of expecting CLOSED.
   */
  closeWhileConnectingStaysClosing: boolean;
  /** How to run the cycle script with this implementation in a child `node` process, or null. */
  childProcess: { nodeArgs: string[]; implementation: 'ws' | 'global' } | null;
}

export interface ClientImplementation {
  open(spec: ClientSpec): Promise<RemoteClient>;
  /** Uncaught errors in the client's environment since the last call. */
  takeUncaught(): Promise<string[]>;
  /** Stops every client opened so far. */
  stopAll(): Promise<void>;
}

/** Short, fixed delays: tests wait in real time. */
const QUICK: ClientOptions = {
  backoff: { initialDelayMs: 20, maxDelayMs: 50, factor: 2, jitter: 0.5 },
  connectTimeoutMs: 3000,
  closeTimeoutMs: 300,
};

/** Slack for timing bounds on a loaded 2-core machine: still far below the defaults (10 s, 30 s). */
const SLACK_MS = 700;
/** Timers may fire a few ms before the `performance.now()` distance (ms rounding, clamping in browsers). */
const TIMER_EARLY_MS = 10;

const CYCLES = 500;
const CHILD_CYCLES = 200;

/** Registers every scenario for one implementation. `impl()` is read when a test runs. */
export function describeFaultScenarios(caps: Capabilities, impl: () => ClientImplementation): void {
  /** `it` where the implementation can run the scenario; elsewhere a skipped test whose name says why not. */
  const itIf = (runs: boolean, why: string): ((name: string, fn: () => Promise<void>, timeoutMs?: number) => void) =>
    runs ? it : (name) => it.skip(`${name} — n.a. with ${caps.name}: ${why}`, () => {});

  describe(`real faults, ${caps.name}`, () => {
    let server: FaultServer;
    const open = (options: ClientOptions = {}, extra: Partial<ClientSpec> = {}) =>
      impl().open({ url: server.url, ...extra, options: { ...QUICK, ...options } });

    beforeEach(async () => {
      server = await startFaultServer();
    });
    afterEach(async () => {
      await impl().stopAll();
      await server.close();
      expect(await impl().takeUncaught()).toEqual([]);
    });

    it('gives up a hung handshake after connectTimeoutMs', async () => {
      server.hangHandshake(true);
      const c = await open({ connectTimeoutMs: 200, maxRetries: 0 });
      const s = await reach(c, 'gaveUp');
      expect(s.statuses).toEqual(['connecting', 'closing', 'gaveUp']);
      const elapsed = at(s, 'status', 'closing') - at(s, 'status', 'connecting');
      expect(elapsed).toBeGreaterThanOrEqual(200 - TIMER_EARLY_MS);
      expect(elapsed).toBeLessThan(200 + SLACK_MS);
      expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(0));
      expect(server.requests).toHaveLength(1);
      expect(server.upgrades).toBe(0);
    });

    it('makes exactly maxRetries retries when connections are refused, then gives up', async () => {
      await server.refuse();
      const c = await open({ maxRetries: 3 });
      let s = await reach(c, 'gaveUp');
      expect(payloads(s, 'retry').map((r) => (r as { attempt: number }).attempt)).toEqual([1, 2, 3]);
      expect(s.created).toBe(4);
      expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(3));
      await sleep(150);
      s = await c.state();
      expect(s.created).toBe(4);
      expect(s.status).toBe('gaveUp');
    });

    it('stays bounded against a flapping server: gaveUp after maxRetries, stableUptimeMs never reached', async () => {
      server.flap(true);
      const c = await open({ maxRetries: 3, stableUptimeMs: 60_000 });
      const s = await reach(c, 'gaveUp');
      expect(server.upgrades).toBe(4);
      expect(s.statuses.filter((x) => x === 'open')).toHaveLength(4);
      expect(payloads(s, 'retry')).toHaveLength(3);
      expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(3));
      await sleep(150);
      expect(server.attempts).toBe(4);
    });

    it('closes the socket of a server that never says ready with 3008 after handshake.timeoutMs, and retries', async () => {
      server.answerHello('silent');
      const c = await open({ maxRetries: 1 }, { handshake: { timeoutMs: 200 } });
      const s = await reach(c, 'gaveUp');
      expect(s.statuses).toEqual(['connecting', 'closing', 'backoff', 'connecting', 'closing', 'gaveUp']);
      const elapsed = at(s, 'status', 'closing') - at(s, 'status', 'connecting');
      expect(elapsed).toBeGreaterThanOrEqual(200 - TIMER_EARLY_MS);
      expect(elapsed).toBeLessThan(200 + SLACK_MS);
      expect(server.connections.map((conn) => conn.messages)).toEqual([['hello'], ['hello']]);
      await waitForServerCloses(server, 2);
      expect(server.connections.map((conn) => [conn.closeCode, conn.closeReason])).toEqual([
        [3008, 'handshake timeout'],
        [3008, 'handshake timeout'],
      ]);
    });

    it('gives up at once when the server denies the hello: 4403 at the server, gaveUp handshake-rejected, no retry', async () => {
      server.answerHello('denied');
      const c = await open({ maxRetries: 3 }, { handshake: { timeoutMs: 3_000 } });
      c.send('queued');
      let s = await reach(c, 'gaveUp');
      expect(s.statuses).toEqual(['connecting', 'closing', 'gaveUp']);
      expect(payloads(s, 'gaveUp')).toMatchObject([{ reason: 'handshake-rejected', retries: 0 }]);
      await waitForServerCloses(server, 1);
      expect(server.connections[0]).toMatchObject({ closeCode: 4403, closeReason: 'handshake rejected', messages: ['hello'] });
      await sleep(150);
      s = await c.state();
      expect(s.created).toBe(1);
    });

    it("passes the server's denial reason on: the 4403 close carries it cut to 123 UTF-8 bytes, and gaveUp says it", async () => {
      server.answerHello('denied-with-reason');
      const c = await open({ maxRetries: 3 }, { handshake: { timeoutMs: 3_000 } });
      const s = await reach(c, 'gaveUp');
      const cut = `token expired ${'é'.repeat(53)}…`; // 14 + 106 + 3 bytes
      expect(DENIAL_REASON.startsWith(cut.slice(0, -1))).toBe(true);
      expect(payloads(s, 'gaveUp')).toMatchObject([{ reason: 'handshake-rejected', rejection: cut, retries: 0 }]);
      await waitForServerCloses(server, 1);
      expect(server.connections[0]).toMatchObject({ closeCode: 4403, closeReason: cut, messages: ['hello'] });
    });

    it('stays bounded against a server that says ready and drops at once: gaveUp after maxRetries, reconnected after the first', async () => {
      server.answerHello('ready-then-drop');
      const c = await open({ maxRetries: 2, stableUptimeMs: 60_000 }, { handshake: { timeoutMs: 3_000 } });
      const s = await reach(c, 'gaveUp');
      expect(server.upgrades).toBe(3);
      expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(2));
      expect(payloads(s, 'open').map((open) => (open as { reconnected: boolean }).reconnected)).toEqual([false, true, true]);
    });

    it('reconnects after abrupt kills, never holding two sockets (peakOpen 1)', async () => {
      const c = await open();
      await reach(c, 'open');
      for (let kill = 1; kill <= 2; kill++) {
        await server.killAll();
        await until(c, (s) => s.status === 'open' && s.created === kill + 1, `open after kill ${kill}`);
      }
      const s = await c.state();
      expect(s.statuses).toEqual(['connecting', 'open', 'backoff', 'connecting', 'open', 'backoff', 'connecting', 'open']);
      expect(payloads(s, 'close').map((x) => (x as { code: number }).code)).toEqual([1006, 1006]);
      expect(server.upgrades).toBe(3);
      expect(server.peakOpen).toBe(1);
      expect(server.open).toBe(1);
    });

    it('reconnects in the first backoff slot after a restart on the same port', async () => {
      const slotMs = 50;
      const c = await open({ backoff: { initialDelayMs: slotMs, maxDelayMs: slotMs, factor: 1, jitter: 0 }, maxRetries: 50 });
      await reach(c, 'open');
      server.resetCounters();
      await server.restart({ downMs: 250 });
      const upAt = server.events.find((e) => e.type === 'up')!.t;
      const s = await until(c, (s) => s.status === 'open' && s.created >= 2, 'open after restart');
      const after = server.events.filter((e) => e.t >= upAt);
      const firstAttempt = after.find((e) => e.type === 'attempt') as { conn: number; t: number };
      const upgrade = after.find((e) => e.type === 'upgrade') as { conn: number; t: number };
      // The first attempt after the server is back is the one that connects: no slot is lost.
      expect(upgrade.conn).toBe(firstAttempt.conn);
      expect(after.filter((e) => e.type === 'reset')).toEqual([]);
      expect(firstAttempt.t - upAt).toBeLessThan(slotMs + SLACK_MS);
      // Every attempt while down failed once and was retried once.
      const resets = server.events.filter((e) => e.type === 'reset').length;
      expect(resets).toBeGreaterThanOrEqual(1);
      expect(payloads(s, 'retry')).toHaveLength(resets + 1);
      expect(server.upgrades).toBe(1);
      expect(server.peakOpen).toBe(1);
    });

    it('detects a half-open connection within intervalMs + timeoutMs, then reconnects once the network heals', async () => {
      const heartbeat = { intervalMs: 150, timeoutMs: 150 };
      const c = await open({ heartbeat, closeTimeoutMs: 200 });
      await reach(c, 'open');
      const t0 = performance.now();
      server.blackhole(true);
      await until(c, (s) => s.status === 'closing', 'heartbeat timeout', 3000, 2);
      const detectedMs = performance.now() - t0;
      expect(detectedMs).toBeGreaterThanOrEqual(heartbeat.timeoutMs - TIMER_EARLY_MS);
      expect(detectedMs).toBeLessThan(heartbeat.intervalMs + heartbeat.timeoutMs + SLACK_MS);
      // Heal only once the client's ping and its 3008 close frame are both lost.
      const clientFramesDropped = () => server.events.filter((e) => e.type === 'drop' && e.dir === 'c2s').length;
      await waitFor(() => clientFramesDropped() >= 2, 3000, 'the close frame dropped');
      server.blackhole(false);
      const s = await until(c, (s) => s.status === 'open' && s.created === 2, 'open after heal');
      expect(s.statuses).toEqual(['connecting', 'open', 'closing', 'backoff', 'connecting', 'open']);
      // The 3008 close frame was lost in the blackhole, so the socket was abandoned after closeTimeoutMs.
      expect(payloads(s, 'close')).toEqual(ABANDONED);
      expect(server.upgrades).toBe(2);
      if (caps.canTerminate) {
        // terminate() dropped the abandoned socket's TCP connection: only the new one is open.
        await waitFor(() => server.open === 1 && server.serverOpen === 1, 2000, 'the abandoned socket gone');
      } else {
        // Without terminate() the abandoned socket stays CLOSING until the implementation gives up
        // on its own: its TCP connection is still there next to the new one.
        expect(server.open).toBe(2);
      }
    });

    itIf(caps.hasWindowEvents, 'no window in Node, so browserEnvironment listens to nothing')(
      "retries at once from backoff on the window's online event after offline, spending no retry",
      async () => {
        const c = await open({
          heartbeat: { intervalMs: 100, timeoutMs: 100 },
          closeTimeoutMs: 150,
          backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000, factor: 1, jitter: 0 },
        });
        await reach(c, 'open');
        server.blackhole(true);
        await until(c, (s) => s.status === 'backoff', 'backoff after the heartbeat timeout', 3000);
        server.blackhole(false);
        // Only a change reaches the machine: online is news after offline (the backoff timer stops).
        await c.dispatchNetwork('offline');
        const t0 = performance.now();
        await c.dispatchNetwork('online');
        const s = await until(c, (s) => s.status === 'open' && s.created === 2, 'open after online');
        expect(performance.now() - t0).toBeLessThan(SLACK_MS); // not the 60 s backoff
        expect(s.statuses.slice(-3)).toEqual(['backoff', 'connecting', 'open']);
        expect(payloads(s, 'retry')).toEqual([{ attempt: 1, delayMs: 60_000 }]);
      },
    );

    for (const [code, reason] of [
      [1008, 'policy violation'],
      [4001, 'app rejected'],
    ] as const) {
      it(`does not reconnect after the server closes with ${code}`, async () => {
        server.onConnection = (ws) => ws.close(code, reason);
        const c = await open();
        let s = await reach(c, 'gaveUp');
        expect(s.statuses).toEqual(['connecting', 'open', 'gaveUp']);
        expect(payloads(s, 'gaveUp')).toEqual([{ reason: `close-code ${code}`, close: { code, reason, wasClean: true }, retries: 0 }]);
        await sleep(150);
        s = await c.state();
        expect(s.created).toBe(1);
        expect(server.attempts).toBe(1);
      });
    }

    const noStatus = 'the HTTP status of a rejected upgrade is not exposed';
    itIf(caps.seesUpgradeStatus, noStatus)('stops on HTTP 401 at upgrade (close code 4401)', async () => {
        server.rejectUpgrade(401);
        const c = await open({ maxRetries: 2 });
        const s = await reach(c, 'gaveUp');
        expect(payloads(s, 'gaveUp')).toEqual([
          { reason: 'close-code 4401', close: { code: 4401, reason: 'HTTP 401 on upgrade', wasClean: false }, retries: 0 },
        ]);
        await sleep(150);
        expect(server.attempts).toBe(1);
      });
    if (!caps.seesUpgradeStatus) {
      it('retries HTTP 401 at upgrade like any 1006, since the status is invisible here', async () => {
        server.rejectUpgrade(401);
        const c = await open({ maxRetries: 2 });
        const s = await reach(c, 'gaveUp');
        expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(2));
        expect(server.attempts).toBe(3);
      });
    }

    it('retries HTTP 503 at upgrade until maxRetries', async () => {
      server.rejectUpgrade(503);
      const c = await open({ maxRetries: 2 });
      const s = await reach(c, 'gaveUp');
      expect(payloads(s, 'gaveUp')).toEqual(gaveUpAfter(2));
      await sleep(150);
      expect(server.attempts).toBe(3);
      expect(server.upgrades).toBe(0);
    });

    it('reaches manuallyClosed after closeTimeoutMs when the close handshake hangs', async () => {
      server.hangClose(true);
      const c = await open({ closeTimeoutMs: 300 });
      await reach(c, 'open');
      await c.close(1000, 'bye');
      const s = await reach(c, 'manuallyClosed');
      const elapsed = at(s, 'status', 'manuallyClosed') - at(s, 'status', 'closing');
      expect(elapsed).toBeGreaterThanOrEqual(300 - TIMER_EARLY_MS);
      expect(elapsed).toBeLessThan(300 + SLACK_MS);
      expect(payloads(s, 'close')).toEqual(ABANDONED);
      expect(server.events.some((e) => e.type === 'close-held')).toBe(true);
      if (caps.canTerminate) {
        await waitFor(() => server.open === 0, 2000, 'the abandoned socket gone');
      } else {
        // No terminate(): the socket stays CLOSING, its TCP connection open, until the implementation gives up.
        await sleep(100);
        expect(server.open).toBe(1);
      }
      await sleep(100);
      expect((await c.state()).created).toBe(1);
    });

    const noTerminate =
      'no terminate(): the socket stays CLOSING, its TCP connection open, until the implementation gives up on its own';
    itIf(caps.canTerminate, noTerminate)(
      'stop() on an OPEN socket whose close handshake hangs: the server sees the TCP connection end within closeTimeoutMs',
      async () => {
        server.hangClose(true);
        const c = await open({ closeTimeoutMs: 300 });
        await reach(c, 'open');
        expect(server.open).toBe(1);
        const stoppedAt = performance.now();
        await c.stop();
        await waitFor(() => server.open === 0, 300 + SLACK_MS, 'the TCP connection ended by the server');
        const elapsed = performance.now() - stoppedAt;
        expect(elapsed).toBeGreaterThanOrEqual(300 - TIMER_EARLY_MS);
        expect(server.events.some((e) => e.type === 'close-held')).toBe(true);
      },
    );

    const noProcess = 'a browser page is not a process we can watch exit';
    const noExit = caps.childProcess
      ? 'no terminate(): the TCP connection stays open, and with it the process'
      : noProcess;
    itIf(!!caps.childProcess && caps.canTerminate, noExit)(
      'a process that stop()s a connection whose close handshake hangs exits by itself within closeTimeoutMs',
      async () => {
        server.hangClose(true);
        const result = await runChild(caps, [STOP_HUNG_SCRIPT, server.url, '300'], 20_000);
        expect(result).toMatchObject({ signal: null, stderr: '', code: 0 });
        const { stoppedAt } = result.report as { stoppedAt: number };
        await waitFor(() => server.open === 0, 1_000, 'the child’s TCP connection gone');
        expect(server.events.some((e) => e.type === 'close-held')).toBe(true);
        // From stop() to exit: the child's clock starts at its own start, a little after spawn (so this errs long).
        expect(result.ms - stoppedAt).toBeLessThan(300 + SLACK_MS);
      },
      30_000,
    );

    it('closes while CONNECTING without an unhandled error and without reconnecting', async () => {
      server.hangHandshake(true);
      const c = await open({ closeTimeoutMs: 3000 });
      await waitFor(() => server.requests.length === 1, 3000, 'the upgrade request');
      await c.close();
      const s = await reach(c, 'manuallyClosed');
      // Over when the socket says so, not when closeTimeoutMs abandons it.
      expect(at(s, 'status', 'manuallyClosed') - at(s, 'status', 'closing')).toBeLessThan(1000);
      expect(s.statuses).toEqual(['connecting', 'closing', 'manuallyClosed']);
      await sleep(150);
      const later = await c.state();
      expect(later.created).toBe(1);
      expect(payloads(later, 'retry')).toEqual([]);
      // One upgrade request. (Node 20's undici opens a second, idle TCP connection when its fetch
      // is aborted, so TCP attempts are not the measure here.)
      expect(server.requests).toHaveLength(1);
    });

    it('delivers messages queued during backoff in order after a reconnect', async () => {
      const c = await open({ backoff: { initialDelayMs: 300, maxDelayMs: 300, factor: 1, jitter: 0 } });
      await reach(c, 'open');
      await server.killAll();
      await reach(c, 'backoff');
      const queued = ['q1', 'q2', 'q3', 'q4', 'q5'];
      for (const text of queued) expect(await c.send(text)).toBe(true);
      await waitFor(() => (server.connections[1]?.messages.length ?? 0) >= queued.length, 3000, 'queued messages at the server');
      expect(server.connections[1]!.messages).toEqual(queued);
      expect(server.connections[0]!.messages).toEqual([]);
      const s = await until(c, (s) => s.received.length >= queued.length, 'echoes');
      expect(s.received).toEqual(queued);
      expect(payloads(s, 'dropped')).toEqual([]);
    });

    it('calls an async url once per attempt, so the server sees each fresh token', async () => {
      const c = await open({}, { url: `${server.url}/live`, tokenUrl: true });
      await reach(c, 'open');
      for (let kill = 1; kill <= 2; kill++) {
        await server.killAll();
        await until(c, (s) => s.status === 'open' && s.created === kill + 1, `open after kill ${kill}`);
      }
      expect(server.requests).toEqual(['/live?token=t1', '/live?token=t2', '/live?token=t3']);
      expect((await c.state()).urlCalls).toBe(3);
      expect(server.attempts).toBe(3);
    });

    it(`leaks no socket, timer or listener over ${CYCLES} connect/close/kill cycles`, async () => {
      server.onConnection = killOnRequest;
      const handlesBefore = socketHandles();
      const c = await open({ autoConnect: false, closeTimeoutMs: 2000, backoff: { initialDelayMs: 5, maxDelayMs: 10, factor: 1, jitter: 1 } });
      const report = await c.runCycles(CYCLES, 60_000);
      expect(report.cycles).toBe(CYCLES);
      expect(report.maxArmedAtRest).toBe(0);
      // Per 5 cycles: close, kill (2 sockets), close while connecting, reconnect() (2 sockets), stop().
      const sockets = (CYCLES / 5) * 7;
      const expected = expectedReadyStates(caps, CYCLES);
      const s = await until(c, (s) => (histogram(s.readyStates)['3'] ?? 0) >= expected['3']!, 'every socket CLOSED', 5000);
      expect(s.status).toBe('manuallyClosed');
      expect(s.created).toBe(sockets);
      expect(histogram(s.readyStates)).toEqual(expected);
      expect(s.armedTimers).toBe(0);
      expect(s.listeners).toEqual(Array(sockets).fill(0));
      // `ws` sockets are EventEmitters: their own count must be zero too (null where there is none).
      expect(s.emitterListeners.filter((n) => n !== null && n !== 0)).toEqual([]);
      expect(server.upgrades).toBeGreaterThanOrEqual((CYCLES / 5) * 6);
      await waitFor(() => server.open === 0 && server.serverOpen === 0, 5000, 'every connection closed at the server');
      expect(server.peakOpen).toBeLessThanOrEqual(2); // stop() lets go at once; the next connection may overlap
      if (caps.inProcess) {
        const baseline = handlesBefore.join();
        await waitFor(() => socketHandles().join() === baseline, 3000, 'socket handles back to baseline').catch(() => {
          expect(socketHandles()).toEqual(handlesBefore);
        });
      }
    }, 120_000);

    itIf(!!caps.childProcess, noProcess)(`lets a process that ran ${CHILD_CYCLES} cycles exit on its own`, async () => {
      const expected = expectedReadyStates(caps, CHILD_CYCLES);
      const result = await runChild(caps, [CYCLE_SCRIPT, String(CHILD_CYCLES), String(expected['3'])], 60_000);
      expect(result).toMatchObject({ signal: null, stderr: '', code: 0 });
      const report = { cycles: CHILD_CYCLES, armedTimers: 0, listeners: 0, readyStates: expected };
      expect(result.report).toMatchObject(report);
    }, 90_000);
  });
}

/** The child-process scripts: one stop()s a connection whose close handshake hangs, one runs cycles. */
const STOP_HUNG_SCRIPT = fileURLToPath(new URL('./stop-hung.script.ts', import.meta.url));
const CYCLE_SCRIPT = fileURLToPath(new URL('./cycles.script.ts', import.meta.url));

/** After `cycles` cycles (7 sockets per 5 cycles), all CLOSED but where the implementation leaves some CLOSING. */
function expectedReadyStates(caps: Capabilities, cycles: number): Record<string, number> {
  const stuck = caps.closeWhileConnectingStaysClosing ? cycles / 5 : 0;
  const closed = (cycles / 5) * 7 - stuck;
  return stuck > 0 ? { '2': stuck, '3': closed } : { '3': closed };
}

/** A give-up after `retries` retries of failures that reported 1006. */
const gaveUpAfter = (retries: number) => [
  { reason: 'max-retries', close: expect.objectContaining({ code: 1006 }), retries },
];
/** The close reported for a socket abandoned after closeTimeoutMs. */
const ABANDONED = [{ code: 1006, reason: 'close timed out: socket abandoned', wasClean: false }];

const reach = (client: RemoteClient, status: string) => until(client, (s) => s.status === status, status);

/** Polls the client's state until `predicate` holds; returns that state. */
async function until(
  client: RemoteClient,
  predicate: (state: ClientState) => boolean,
  what: string,
  timeoutMs = 5000,
  intervalMs = 5,
): Promise<ClientState> {
  let last: ClientState | undefined;
  const met = async () => predicate((last = await client.state()));
  await waitFor(met, timeoutMs, what, intervalMs).catch((error: Error) => {
    const { status, statuses, events, created, readyStates = [] } = last ?? ({} as Partial<ClientState>);
    const brief = { status, lastStatuses: statuses?.slice(-12), lastEvents: events?.slice(-8), created };
    const lastState = JSON.stringify({ ...brief, readyStates: histogram(readyStates) });
    throw new Error(`${error.message}; last state: ${lastState}`);
  });
  return last!;
}

/** Waits (bounded) until the app server has seen `n` sockets close. */
async function waitForServerCloses(server: FaultServer, n: number): Promise<void> {
  await waitFor(() => server.connections.filter((conn) => conn.closeCode !== undefined).length >= n, 3_000, `${n} close(s) at the server`);
}

function payloads(state: ClientState, name: string): unknown[] {
  return state.events.filter((e) => e.name === name).map((e) => e.payload);
}

/** Client time of the first `name` event (for 'status', the first with that payload). */
function at(state: ClientState, name: string, payload?: unknown): number {
  const event = state.events.find((e) => e.name === name && (payload === undefined || e.payload === payload));
  if (!event) throw new Error(`no ${name} ${String(payload ?? '')} event`);
  return event.t;
}

/** Socket and server handles of this process (timers are left out: the runner's own come and go). */
const socketHandles = () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').sort();

/**
 * Runs a script in a `node` with the implementation (its first argument); kills it after
 * `timeoutMs` (then `signal` is set). `report` is the JSON of its last stdout line.
 */
function runChild(caps: Capabilities, [script, ...args]: string[], timeoutMs: number) {
  const { nodeArgs, implementation } = caps.childProcess!;
  const started = performance.now();
  const options = { timeout: timeoutMs, killSignal: 'SIGKILL' as const, env: { ...process.env, NODE_OPTIONS: '' } };
  type Result = { code: number | null; signal: string | null; stderr: string; ms: number; report: unknown };
  return new Promise<Result>((resolve) => {
    execFile(process.execPath, [...nodeArgs, script!, implementation, ...args], options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const ms = performance.now() - started;
      let report: unknown = null; // a child that failed may print no JSON: its code and stderr tell
      try {
        report = JSON.parse(stdout.trim().split('\n').at(-1)!);
      } catch {}
      resolve({ code, signal: error?.signal ?? null, stderr, ms, report });
    });
  });
}
