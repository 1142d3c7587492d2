/**
 * Minimal static file serving for the demo page and the built client bundle.
 * GET and HEAD only; `/` (and any directory) serves its `index.html`; any `..`
 * segment, encoded or not, and any symlink leading out of the root are refused with 403;
 * anything missing is 404.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Resolve a URL pathname inside `root`, or say why not.
 * Exported for tests; `root` must be absolute.
 */
export function resolveStaticPath(root: string, pathname: string): { file: string } | { status: 400 | 403 } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0')) return { status: 400 };
  const segments = decoded.split(/[\\/]+/);
  if (segments.some((s) => s === '..')) return { status: 403 };
  const file = path.resolve(root, '.' + path.posix.sep + segments.filter(Boolean).join(path.sep));
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 403 };
  return { file };
}

/** Serve `pathname` from `root` (absolute). */
export async function serveStatic(
  root: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'method not allowed');
    return;
  }
  const resolved = resolveStaticPath(root, pathname);
  if ('status' in resolved) {
    sendText(res, resolved.status, resolved.status === 403 ? 'forbidden' : 'bad request');
    return;
  }
  let file = resolved.file;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    sendText(res, 404, 'not found');
    return;
  }
  // A symlink inside the root must not lead out of it.
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
  if (!realFile.startsWith(realRoot + path.sep)) {
    sendText(res, 403, 'forbidden');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
