/**
 * Who runs the shared connection: the election of one tab, as a small pure statechart. The Web
 * Lock decides (`LOCK.GRANTED`); the channel only tells a tab who the leader is. The shared handle
 * (`create-shared-connection.ts`) does every effect, on entering a state.
 */
import { assign, setup } from 'xstate';
import type { ElectionEvent } from './shared.types.js';

export interface ElectionContext {
  /** This tab's id. */
  readonly self: string;
  /** The leader this tab knows of (itself while `leader`), or `null`. */
  readonly leader: string | null;
}

export const electionMachine = setup({
  types: {
    context: {} as ElectionContext,
    input: {} as { self: string },
    events: {} as ElectionEvent,
  },
  actions: {
    recordLeader: assign({ leader: ({ event }) => (event.type === 'LEADER.HEARD' ? event.leader : null) }),
    forgetLeader: assign({ leader: null }),
    recordSelf: assign({ leader: ({ context }) => context.self }),
  },
  guards: {
    isAnotherTab: ({ context, event }) => event.type === 'LEADER.HEARD' && event.leader !== context.self,
  },
}).createMachine({
  id: 'election',
  initial: 'candidate',
  context: ({ input }) => ({ self: input.self, leader: null }),
  states: {
    /** The lock is requested; no leader heard of yet. */
    candidate: {
      on: {
        'LOCK.GRANTED': 'leader',
        'LEADER.HEARD': { guard: 'isAnotherTab', target: 'follower', actions: 'recordLeader' },
        LEAVE: 'left',
      },
    },
    /** Another tab leads; this one waits in the lock's queue and mirrors it. */
    follower: {
      on: {
        'LOCK.GRANTED': 'leader',
        'LEADER.HEARD': { guard: 'isAnotherTab', actions: 'recordLeader' },
        'LEADER.LEFT': { actions: 'forgetLeader' },
        LEAVE: 'left',
      },
    },
    /** This tab holds the lock and runs the one connection. */
    leader: {
      entry: 'recordSelf',
      on: { LEAVE: 'leaving' },
    },
    /** `stop()` in the leader: its socket closes before the lock is released. */
    leaving: {
      on: { 'SOCKET.RELEASED': 'left' },
    },
    left: { type: 'final', entry: 'forgetLeader' },
  },
});
