/** The bound of invariant 2 on time: one budget waits at most the sum of its capped delays. */
import { backoffCeilingMs, type BackoffSettings } from '../../src/backoff.js';

/** The most one retry budget can spend in backoff: the ceilings of retries 1..maxRetries added up. */
export function backoffBudgetMs(maxRetries: number, backoff: BackoffSettings): number {
  let total = 0;
  for (let n = 1; n <= maxRetries; n++) total += backoffCeilingMs(n, backoff);
  return total;
}
