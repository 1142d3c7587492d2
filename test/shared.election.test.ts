/** The election chart, pure: state × event → next state (xstate's `transition`), every state covered. */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { electionMachine } from '../src/shared/election.machine.js';
import type { ElectionEvent } from '../src/shared/shared.types.js';

const EVENTS: ElectionEvent[] = [
  { type: 'LOCK.GRANTED' },
  { type: 'LEADER.HEARD', leader: 'other' },
  { type: 'LEADER.HEARD', leader: 'me' },
  { type: 'LEADER.LEFT' },
  { type: 'LEAVE' },
  { type: 'SOCKET.RELEASED' },
];

/** Expected next state, per state and event (in EVENTS order). */
const TABLE: Record<string, string[]> = {
  candidate: ['leader', 'follower', 'candidate', 'candidate', 'left', 'candidate'],
  follower: ['leader', 'follower', 'follower', 'follower', 'left', 'follower'],
  leader: ['leader', 'leader', 'leader', 'leader', 'leaving', 'leader'],
  leaving: ['leaving', 'leaving', 'leaving', 'leaving', 'leaving', 'left'],
  left: ['left', 'left', 'left', 'left', 'left', 'left'],
};

const PATHS: Record<string, ElectionEvent[]> = {
  candidate: [],
  follower: [{ type: 'LEADER.HEARD', leader: 'other' }],
  leader: [{ type: 'LOCK.GRANTED' }],
  leaving: [{ type: 'LOCK.GRANTED' }, { type: 'LEAVE' }],
  left: [{ type: 'LEAVE' }],
};

function reach(state: string) {
  let [snapshot] = initialTransition(electionMachine, { self: 'me' });
  for (const event of PATHS[state]!) [snapshot] = transition(electionMachine, snapshot, event);
  expect(snapshot.value).toBe(state);
  return snapshot;
}

describe('electionMachine', () => {
  it('covers every state of the chart', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(electionMachine.root.states).sort());
  });

  for (const [state, next] of Object.entries(TABLE)) {
    it(`${state}: ${EVENTS.map((e, i) => `${e.type}${'leader' in e ? `(${e.leader})` : ''} → ${next[i]}`).join(', ')}`, () => {
      EVENTS.forEach((event, i) => expect(transition(electionMachine, reach(state), event)[0].value).toBe(next[i]));
    });
  }

  it('knows the leader: another tab as follower, itself as leader, nobody after LEADER.LEFT or leaving', () => {
    expect(reach('follower').context.leader).toBe('other');
    expect(reach('leader').context.leader).toBe('me');
    expect(transition(electionMachine, reach('follower'), { type: 'LEADER.LEFT' })[0].context.leader).toBeNull();
    expect(reach('left').context.leader).toBeNull();
  });
});
