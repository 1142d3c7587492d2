/**
 * The heartbeat's bookkeeping in the adapter: how long the socket has been silent (since it
 * opened or last sent something) and whether a ping awaits its answer. The adapter feeds it
 * and reports what it reads; what silence means is the chart's decision.
 */

/** A silence meter on one socket. */
export interface SilenceMeter {
  /** The socket opened: silence is counted from now. */
  opened(): void;
  /** Something arrived: silence starts over. Returns `true` if a ping was awaiting it (now answered). */
  heard(): boolean;
  /** A ping went out: the next message heard answers it. */
  pinged(): void;
  /** Milliseconds since the socket opened or was last heard (since the meter started, before). */
  silentMs(): number;
}

/**
 * A silence meter reading `now` (monotonic milliseconds). A `now` that throws is passed to
 * `onNowThrew` once and replaced by `performance.now()` from then on.
 */
export function createSilenceMeter(now: (() => number) | undefined, onNowThrew: (error: unknown) => void): SilenceMeter {
  let nowBroken = false;
  const read = () => {
    if (now && !nowBroken) {
      try {
        return now();
      } catch (error) {
        nowBroken = true;
        onNowThrew(error);
      }
    }
    return performance.now();
  };
  let lastHeardAt = read();
  let awaitingPong = false;
  return {
    opened() {
      lastHeardAt = read();
    },
    heard() {
      lastHeardAt = read();
      const answered = awaitingPong;
      awaitingPong = false;
      return answered;
    },
    pinged() {
      awaitingPong = true;
    },
    silentMs: () => read() - lastHeardAt,
  };
}
