/**
 * Per-connection rate limit: a token bucket for "slow down", plus a fixed window
 * that spots sustained abuse and tells the server to drop the connection.
 */

/** Rate-limit settings for one connection. */
export interface RateLimitOptions {
  /**
   * Messages per second refilled into the bucket.
   * @default 10
   */
  ratePerSec?: number;
  /**
   * Bucket size: how many messages may arrive at once.
   * @default 20
   */
  burst?: number;
  /**
   * A connection that sends more than `abuseFactor × ratePerSec` messages within one
   * second is closed with 1008 'rate limit'.
   * @default 3
   */
  abuseFactor?: number;
}

/** `ok`: handle it; `limited`: reply `rate-limited`; `abuse`: close the connection. */
export type RateVerdict = 'ok' | 'limited' | 'abuse';

const WINDOW_MS = 1000;

export class RateLimiter {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly abuseLimit: number;
  private tokens: number;
  private refilledAt: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;

  constructor(
    options: RateLimitOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    const ratePerSec = options.ratePerSec ?? 10;
    this.ratePerMs = ratePerSec / 1000;
    this.burst = options.burst ?? 20;
    this.abuseLimit = (options.abuseFactor ?? 3) * ratePerSec;
    this.tokens = this.burst;
    this.refilledAt = now();
  }

  /** Account for one incoming message. */
  take(): RateVerdict {
    const t = this.now();
    if (t - this.windowStart >= WINDOW_MS) {
      this.windowStart = t;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > this.abuseLimit) return 'abuse';

    this.tokens = Math.min(this.burst, this.tokens + (t - this.refilledAt) * this.ratePerMs);
    this.refilledAt = t;
    if (this.tokens < 1) return 'limited';
    this.tokens -= 1;
    return 'ok';
  }
}
