/**
 * Asking an app callback that may answer at once or later (a promise or any thenable): only the
 * first answer counts, and a callback that throws, or a thenable that rejects or whose `then`
 * throws, is a failure that says which. Used for the `url` function and `handshake.hello`.
 */

/** How an app callback failed to answer: it threw, or its promise (thenable) rejected. */
export type AskFailure = 'threw' | 'rejected';

/** Calls `callback` and hands its answer (awaited if it is a thenable) to `onAnswer`, or the failure to `onFailure`; once. */
export function ask<T>(callback: () => T | PromiseLike<T>, onAnswer: (answer: T) => void, onFailure: (how: AskFailure, error: unknown) => void): void {
  let settled = false;
  const once =
    <A>(fn: (arg: A) => void) =>
    (arg: A) => {
      if (settled) return;
      settled = true;
      fn(arg);
    };
  try {
    const result = callback();
    if (isThenable(result)) result.then(once(onAnswer), once((error: unknown) => onFailure('rejected', error)));
    else once(onAnswer)(result);
  } catch (error) {
    once((e: unknown) => onFailure('threw', e))(error);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
