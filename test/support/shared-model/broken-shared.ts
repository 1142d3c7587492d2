/**
 * Deliberately broken ways to take the lock (`SharedPolicies`), each caught by the model-based
 * property of test/shared.model.test.ts with a shrunk counterexample (test/shared.broken.test.ts).
 */
import type { SharedPolicies } from '../../../src/shared/create-shared-connection.js';
import type { SharedInvariant } from './shared.model.js';

export interface BrokenShared {
  readonly name: string;
  readonly policies: SharedPolicies;
  readonly breaks: SharedInvariant;
}

export const BROKEN_SHARED: readonly BrokenShared[] = [
  {
    // Every tab leads at once: a second tab opens a second socket.
    name: 'a follower that connects without the lock',
    policies: { requestLock: (_locks, _name, _signal, granted) => granted() },
    breaks: 'S1',
  },
  {
    // The lock outlives stop(): nobody takes over, and what the followers send waits forever.
    name: 'a leader that does not release the lock on stop()',
    policies: {
      requestLock: (locks, name, signal, granted) =>
        locks.request(name, { signal }, () => {
          void granted();
          return new Promise(() => {});
        }),
    },
    breaks: 'S2',
  },
];
