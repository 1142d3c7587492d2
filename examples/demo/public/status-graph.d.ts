import type { ConnectionStatus } from 'xstate-websocket';

/** Types of status-graph.js (plain JS, served as is to the page), for the tests that import it. */
export declare function statusGraph(
  machine: unknown,
  statuses: readonly string[],
): { from: ConnectionStatus; to: ConnectionStatus; labels: string[] }[];
