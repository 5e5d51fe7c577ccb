/**
 * `meshcast signal`: the signaling server, serving the built demo at `/` on the same port — what
 * `npm start` runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSignalingLogger, createSignalingServer, installShutdownHandlers } from '../../signaling-server/src/index.js';
import { parseArgs, port, str } from './args.js';

export const DEFAULT_SIGNAL_PORT = 8787;

export const SIGNAL_HELP = `Usage: meshcast signal [--port P] [--host H] [--demo DIR]

Runs the signaling server: WebSocket rooms at ws://HOST:PORT/, GET /healthz, GET /metrics,
and the demo page at http://HOST:PORT/ (open it in several tabs).

Options:
  --port P      port to listen on (default ${DEFAULT_SIGNAL_PORT}; 0 picks a free one)
  --host H      address to bind (default 0.0.0.0: reachable from the LAN)
  --demo DIR    directory of the built demo (default: dist/demo of the package)
  --help        this text
`;

/** dist/demo beside the built CLI (dist/cli.js), or beside the package root when run from src/. */
function defaultDemoDir(): string | undefined {
  for (const rel of ['./demo', '../../dist/demo']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

export async function runSignal(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, { port: {}, host: {}, demo: {}, help: { flag: true } });
  if (args.help) return log(SIGNAL_HELP);
  const staticDir = str(args, 'demo') ?? defaultDemoDir();
  const server = createSignalingServer({
    logger: createSignalingLogger(log),
    ...(staticDir ? { staticDir } : {}),
  });
  const address = await server.listen(port(str(args, 'port'), DEFAULT_SIGNAL_PORT), str(args, 'host') ?? '0.0.0.0');
  const shown = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
  log(`meshcast signal: ws://${shown}:${address.port}/ — demo at http://${shown}:${address.port}/${staticDir ? '' : ' (not built: run npm run build)'}`);
  installShutdownHandlers(server, {
    onClosed: () => {
      log('meshcast signal: stopped');
      process.exit(0);
    },
  });
}
