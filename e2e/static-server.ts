/**
 * A tiny static file server for e2e pages. Some browser APIs (IndexedDB, and WebRTC's preference for a
 * real origin) need http:// rather than about:blank, so tests load their pages from here. Loopback only,
 * an ephemeral port, GET/HEAD only, and no path can escape the root.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly origin: string;
  /** The absolute URL of `path` on this server. */
  url(path: string): string;
  close(): Promise<void>;
}

/** Maps a request path to a file under `root`, or undefined when it would leave the root. */
function resolveUnder(root: string, requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const file = resolve(join(root, relative));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/** `headers`: added to every file response (e.g. the cross-origin isolation headers a bench page needs). */
export async function startStaticServer(rootDir: string, headers: Readonly<Record<string, string>> = {}): Promise<StaticServer> {
  const root = resolve(rootDir);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = resolveUnder(root, pathname);
    let size: number;
    try {
      if (!file) throw new Error('outside root');
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
      ...headers,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => new URL(path, `${origin}/`).href,
    close: () =>
      new Promise<void>((resolveClose) => {
        // Browsers keep idle keep-alive sockets open; drop them so close() does not wait for them.
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
