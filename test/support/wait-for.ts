/** The one polling helper of the suite: real time, bounded in time, for sync or async checks. */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `predicate` holds, checking every `intervalMs`; rejects after `timeoutMs` with an
 * error naming `what`. The predicate may be async (e.g. a `page.evaluate` in the browser tests).
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
  intervalMs = 5,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() >= deadline) throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** A real-time pause. */
export const sleep = (ms: number): Promise<void> => delay(ms);
