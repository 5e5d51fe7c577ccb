/**
 * The plain-HTTP side of the server: GET /healthz (JSON), GET /metrics (Prometheus text), and, when a
 * static directory is configured, its files (the CLI serves the built demo at `/`). Everything else 404.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SignalingMetrics } from './metrics.js';
import { serveStatic } from './static-files.js';

export interface HttpHandlerOptions {
  metrics: SignalingMetrics;
  staticDir?: string | undefined;
}

export function createHttpHandler({ metrics, staticDir }: HttpHandlerOptions): RequestListener {
  return (req, res) => {
    handle(req, res).catch(() => {
      // A failure mid-response (client gone, fs error) must not escape the request handler.
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    const path = pathOf(req.url);
    if (path === '/healthz') {
      const { connections, rooms } = metrics.snapshot();
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ status: 'ok', connections, rooms }));
    }
    if (path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', metrics.render());
    if (staticDir !== undefined && path !== undefined && (await serveStatic(staticDir, req, res, path))) return;
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

/** The request's path, dot segments resolved; `//x` stays a path (never read as a host). */
function pathOf(url: string | undefined): string | undefined {
  if (!url?.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${url}`).pathname;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
