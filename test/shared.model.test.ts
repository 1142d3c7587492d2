/**
 * The shared connection, model-based: several tabs (open, close, freeze/thaw, send, stop, close
 * and connect from any tab), a server that accepts, drops, pushes and completes closes, tasks run
 * a few at a time, and virtual time; some runs with a queue of 2. Each property names the invariant it proves.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { NUM_RUNS } from './support/model/run.js';
import { sharedInvariantTitle, sharedProperty } from './support/shared-model/shared.model.js';

const params = { numRuns: NUM_RUNS };

describe('createSharedConnection, model-based over several tabs', () => {
  it(`${sharedInvariantTitle('S1')}; ${sharedInvariantTitle('S2')}; ${sharedInvariantTitle('S3')}; ${sharedInvariantTitle('S4')}; ${sharedInvariantTitle('S5')}`, async () => {
    await fc.assert(sharedProperty(), params);
  });
});
