/**
 * Setup for mutation runs only (vitest.mutation.config.ts): a fixed fast-check seed, so a mutant
 * is killed or survives the same way on every run and the incremental baseline stays valid.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_260_901) });
