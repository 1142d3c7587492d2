/**
 * The URL of a connection: where it comes from (`UrlSource`), the one shape every attempt
 * opens (`normaliseUrl`), and how a source is asked once per attempt (`resolveUrlSource`).
 */
import { ask, type AskFailure } from './ask.js';
import { describe, PREFIX } from './describe.js';

/** A URL, or a function called before every attempt (sync or async), e.g. to put a fresh token in it. */
export type UrlSource = string | URL | (() => string | URL | Promise<string | URL>);

/**
 * Parses and checks a URL: it must parse and use ws:, wss:, http: or https:.
 * Returns it as a string with http(s) mapped to ws(s), which every implementation accepts.
 * Throws a `TypeError` naming `url` otherwise (also used for URLs a `url` function returns).
 */
export function normaliseUrl(value: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(value));
  } catch {
    throw new TypeError(`${PREFIX} \`url\` ${describe(String(value))} does not parse as a URL; use an absolute URL such as 'wss://example.com/socket'.`);
  }
  const scheme = parsed.protocol;
  if (scheme === 'http:') parsed.protocol = 'ws:';
  else if (scheme === 'https:') parsed.protocol = 'wss:';
  else if (scheme !== 'ws:' && scheme !== 'wss:') {
    throw new TypeError(`${PREFIX} \`url\` ${describe(String(value))} has scheme '${scheme}'; use ws:, wss:, http: or https:.`);
  }
  if (parsed.hash) {
    throw new TypeError(`${PREFIX} \`url\` ${describe(String(value))} has a fragment (#...), which WebSocket URLs cannot carry; remove it.`);
  }
  return parsed.href;
}


/**
 * Asks a URL source for this attempt's URL: a string or URL answers at once, a function
 * with what it returns or (a promise or any thenable) resolves to. Only the first answer
 * counts (`ask`). The answer is not checked here (`normaliseUrl` does that).
 */
export function resolveUrlSource(
  source: UrlSource,
  onUrl: (url: string | URL) => void,
  onFailure: (how: AskFailure, error: unknown) => void,
): void {
  if (typeof source === 'function') ask(source, onUrl, onFailure);
  else onUrl(source);
}
