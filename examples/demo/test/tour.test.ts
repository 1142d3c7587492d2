/** The scripted fault tour of `npm run demo -- --scripted`, in-process with short faults. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatServer, type ChatServer } from '../chat-server.js';
import { checkStatuses, describeTransition, eventName, formatEntry, runTour } from '../tour.js';

let server: ChatServer;

beforeAll(async () => {
  server = await startChatServer({ port: 0 });
});

afterAll(async () => {
  await server?.close();
});

describe('the scripted demo tour', () => {
  it('goes through kill, half-open, restart, reject, heal and close with the expected statuses', async () => {
    const lines: string[] = [];
    const result = await runTour({
      serverUrl: server.url,
      heartbeat: { intervalMs: 300, timeoutMs: 200 },
      backoff: { initialDelayMs: 60, maxDelayMs: 150, factor: 1.5, jitter: 0.5 },
      closeTimeoutMs: 150,
      restartDownMs: 250,
      rejectMs: 5000,
      stepTimeoutMs: 4000,
      onLine: (line) => lines.push(line),
    });

    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
    const printed = lines.join('\n');
    expect(printed).toMatch(/── kill[\s\S]*close +1006[\s\S]*status +backoff +on SOCKET\.CLOSED/);
    // The tour connects with a handshake (token in the hello): the first open is no reconnect, the one after the kill is.
    expect(printed).toMatch(/open +socket open +first open[\s\S]*── kill[\s\S]*open +socket open +reconnected after \d+ ms: resubscribed to tour/);
    expect(printed).toMatch(/── half-open[\s\S]*status +closing +on after heartbeatTimeout; sends close 3008 heartbeat timeout/);
    expect(printed).toMatch(/── reject[\s\S]*close +1008 token revoked[\s\S]*gaveUp +close-code 1008/);
    expect(printed).toMatch(/── close[\s\S]*status +manuallyClosed +on SOCKET\.CLOSED(; socket closed \{code: 1000[^\n]*)?\s*$/);
    // one line per entry, each stamped with the time since the start
    expect(lines).toHaveLength(result.timeline.length);
    for (const line of lines) expect(line).toMatch(/^ +\d+ ms  /);
  });

  it('rejects a status sequence that skips a step', () => {
    const good =
      'connecting open backoff connecting open closing backoff connecting open backoff connecting open gaveUp connecting open closing manuallyClosed'.split(' ');
    expect(checkStatuses(good)).toEqual([]);
    const retried = [...good.slice(0, 11), 'backoff', 'connecting', 'backoff', 'connecting', ...good.slice(11)];
    expect(checkStatuses(retried)).toEqual([]);
    const noHeartbeat = good.filter((_, i) => i !== 5);
    expect(checkStatuses(noHeartbeat)[0]).toMatch(/does not match/);
    expect(checkStatuses(good.slice(0, -1))[0]).toMatch(/does not match/);
  });

  it('explains a transition from plain data: the event, the requested close, a reason in context', () => {
    expect(eventName('xstate.after.backoffDelay.connection.backoff')).toBe('after backoffDelay');
    expect(eventName('SOCKET.CLOSED')).toBe('SOCKET.CLOSED');
    expect(describeTransition('closing', { closeRequest: { code: 3008, reason: 'heartbeat timeout' } }, 'SOCKET.SILENCE')).toBe(
      'on SOCKET.SILENCE; sends close 3008 heartbeat timeout',
    );
    expect(describeTransition('backoff', { reason: 'socket closed 1006' }, 'SOCKET.CLOSED')).toBe('on SOCKET.CLOSED; socket closed 1006');
    expect(describeTransition('open', { reason: { code: 1 } }, '')).toBe('{"code":1}');
    expect(describeTransition('open', undefined, '')).toBe('');
    expect(formatEntry({ atMs: 5, kind: 'step', text: 'kill', why: '' })).toBe('     5 ms  ── kill');
  });
});
