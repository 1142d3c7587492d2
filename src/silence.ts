/**
 * The heartbeat's bookkeeping in the adapter: how long the socket has been silent (since it
 * opened or last sent something) and whether a ping awaits its answer. The adapter feeds it
 * and reports what it reads; what silence means is the chart's decision.
 */

/**
 * A silence meter on one socket, reading `now` (monotonic milliseconds); counting starts at
 * `opened()`. A `now` that throws is passed to `nowThrew` once and replaced by
 * `performance.now()` from then on. The adapter extends it, so meter and adapter are one object.
 */
export class SilenceMeter {
  private lastHeardAt = 0;
  private awaitingPong = false;
  private nowBroken = false;

  constructor(private readonly now: (() => number) | undefined) {}

  /** Told once when `now` throws (the adapter reports it). */
  protected nowThrew(_error: unknown): void {}

  /** The socket opened (or the meter starts): silence is counted from now. */
  opened(): void {
    this.lastHeardAt = this.read();
  }

  /** Something arrived: silence starts over. Returns `true` if a ping was awaiting it (now answered). */
  heard(): boolean {
    this.lastHeardAt = this.read();
    const answered = this.awaitingPong;
    this.awaitingPong = false;
    return answered;
  }

  /** A ping went out: the next message heard answers it. */
  pinged(): void {
    this.awaitingPong = true;
  }

  /** Milliseconds since `opened()` or the last message heard. */
  silentMs(): number {
    return this.read() - this.lastHeardAt;
  }

  private read(): number {
    if (this.now !== undefined && !this.nowBroken) {
      try {
        return this.now();
      } catch (error) {
        this.nowBroken = true;
        this.nowThrew(error);
      }
    }
    return performance.now();
  }
}
