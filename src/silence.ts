/**
 * The heartbeat's bookkeeping in the adapter: how long the socket has been silent (since it
 * opened or last sent something) and whether a ping awaits its answer. The adapter feeds it
 * and reports what it reads; what silence means is the chart's decision.
 */

/** Who hears that the clock threw (the adapter, which reports it). */
export interface SilenceOwner {
  nowThrew(error: unknown): void;
}

/**
 * A silence meter on one socket, reading `now` (monotonic milliseconds). A `now` that throws is
 * passed to its owner's `nowThrew` once and replaced by `performance.now()` from then on. Plain
 * fields and prototype methods: one small object per socket, no closures.
 */
export class SilenceMeter {
  private lastHeardAt: number;
  private awaitingPong = false;
  private nowBroken = false;

  constructor(
    private readonly now: (() => number) | undefined,
    private readonly owner: SilenceOwner,
  ) {
    this.lastHeardAt = this.read();
  }

  /** The socket opened: silence is counted from now. */
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

  /** Milliseconds since the socket opened or was last heard (since the meter started, before). */
  silentMs(): number {
    return this.read() - this.lastHeardAt;
  }

  private read(): number {
    if (this.now !== undefined && !this.nowBroken) {
      try {
        return this.now();
      } catch (error) {
        this.nowBroken = true;
        this.owner.nowThrew(error);
      }
    }
    return performance.now();
  }
}
