/**
 * `meshcast peer`: a Node server peer. It relays over TCP and, given a room, bridges into the browser
 * mesh over WebRTC. One log line per event; every line typed on stdin is broadcast.
 *
 * Log lines (stable, for scripts and tests):
 *   ready <peerId> <listen address|->
 *   message <origin> <id> <text as JSON>
 *   peer <event> <peerId>          (connected, disconnected, suspect, unreachable, down, failed, dead, recovered, gave-up)
 *   mode <mode> <cause>
 *   sent <id>
 *   peers <JSON>  /  stats <JSON>
 *   error <message>
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PEER_EVENTS } from '../mesh/mesh-node.js';
import { DEFAULT_RELAY_MODE } from '../relay/message-relay.js';
import { createMeshNode, type NodeMeshNode, type NodeMeshOptions } from '../node/create-node.js';
import { presets, type PresetName } from '../peers/presets.js';
import { PRIORITIES, RELAY_MODES, type Priority, type RelayMode } from '../wire/frames.js';
import { list, parseArgs, str, UsageError } from './args.js';

export const PEER_HELP = `Usage: meshcast peer --listen HOST:PORT [--connect HOST:PORT ...] [--room R --signaling URL] [options]

Runs a Node server peer: relays over TCP to other server peers and, with --room, joins a browser
room over WebRTC through the signaling server. Lines typed on stdin are broadcast; commands:
/mode M (switch the whole mesh to relay mode M), /peers, /stats. Type '//x' to send '/x'.

Options:
  --listen HOST:PORT     accept server peers here (port 0 picks a free port)
  --connect HOST:PORT    dial this server peer at start (repeatable); retried with backoff
  --room R               join browser room R (needs --signaling)
  --signaling URL        signaling server, e.g. ws://localhost:8787
  --secret S             room secret, when the signaling server requires one
  --id ID                peer id (default: random)
  --mode M               relay mode: ${RELAY_MODES.join(' | ')} (default ${DEFAULT_RELAY_MODE})
  --priority P           priority of stdin broadcasts: ${PRIORITIES.join(' | ')} (default normal)
  --preset NAME          timing preset: ${Object.keys(presets).join(' | ')}
  --seen-file PATH       keep seen message ids in this file across restarts
  --tls-key/--tls-cert/--tls-ca PATH   mutual TLS for every TCP link (all three together)
  --help                 this text
`;

const SPEC = {
  listen: {},
  connect: { repeat: true },
  room: {},
  signaling: {},
  secret: {},
  id: {},
  mode: {},
  priority: {},
  preset: {},
  'seen-file': {},
  'tls-key': {},
  'tls-cert': {},
  'tls-ca': {},
  help: { flag: true },
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function peerOptions(argv: readonly string[], log: (line: string) => void): NodeMeshOptions | undefined {
  const args = parseArgs(argv, SPEC);
  if (args.help) {
    log(PEER_HELP);
    return undefined;
  }
  const listen = str(args, 'listen');
  const connect = list(args, 'connect');
  const room = str(args, 'room');
  const signaling = str(args, 'signaling');
  if (!listen && connect.length === 0 && !room) throw new UsageError('give --listen, --connect or --room');
  if (room && !signaling) throw new UsageError('--room needs --signaling');
  const tlsParts = ['tls-key', 'tls-cert', 'tls-ca'].map((n) => str(args, n));
  if (tlsParts.some(Boolean) && !tlsParts.every(Boolean)) throw new UsageError('--tls-key, --tls-cert and --tls-ca go together');
  const [key, cert, ca] = tlsParts;
  const mode = oneOf<RelayMode>(str(args, 'mode'), RELAY_MODES, 'mode');
  const preset = oneOf<PresetName>(str(args, 'preset'), Object.keys(presets) as PresetName[], 'preset');
  return {
    ...(listen ? { listen } : {}),
    connect,
    ...(room ? { room } : {}),
    ...(signaling ? { signaling } : {}),
    ...(str(args, 'secret') ? { secret: str(args, 'secret') } : {}),
    ...(str(args, 'id') ? { peerId: str(args, 'id') } : {}),
    ...(mode ? { relay: { mode } } : {}),
    ...(preset ? { preset } : {}),
    ...(str(args, 'seen-file') ? { seenFile: str(args, 'seen-file') } : {}),
    ...(key && cert && ca ? { tls: { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca) } } : {}),
    logger: (line) => log(`log ${line}`),
  };
}

function runCommand(node: NodeMeshNode, line: string, log: (line: string) => void): void {
  const [command, arg] = line.slice(1).split(/\s+/, 2);
  if (command === 'mode' && arg && (RELAY_MODES as readonly string[]).includes(arg)) {
    node.setMode(arg as RelayMode, { announce: true });
  } else if (command === 'peers') {
    log(`peers ${JSON.stringify(node.peers())}`);
  } else if (command === 'stats') {
    const { relay, peers, ...summary } = node.stats();
    log(`stats ${JSON.stringify({ ...summary, active: peers.active, passive: peers.passive, perMode: relay.perMode })}`);
  } else {
    log(`error unknown command ${JSON.stringify(line)} (try /mode ${RELAY_MODES.join('|')}, /peers, /stats)`);
  }
}

export async function runPeer(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const options = peerOptions(argv, log);
  if (!options) return;
  const priority = oneOf<Priority>(str(parseArgs(argv, SPEC), 'priority'), PRIORITIES, 'priority') ?? 'normal';
  const node = createMeshNode(options);
  node.on('message', (m) => log(`message ${m.origin} ${m.id} ${JSON.stringify(m.text())}`));
  node.on('mode', (change) => log(`mode ${change.mode} ${change.cause}`));
  node.on('error', (err) => log(`error ${err instanceof Error ? err.message : String(err)}`));
  for (const event of PEER_EVENTS) {
    node.on(event, ((id: string) => log(`peer ${event.slice(5)} ${id}`)) as never);
  }
  await node.ready;
  log(`ready ${node.id} ${node.listenAddress() ?? '-'}`);

  const stdin = createInterface({ input: process.stdin });
  stdin.on('line', (line) => {
    if (line.length === 0) return;
    if (line.startsWith('/') && !line.startsWith('//')) return runCommand(node, line, log);
    log(`sent ${node.broadcast(line.startsWith('//') ? line.slice(1) : line, { priority })}`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    stdin.close();
    void node.close().then(() => {
      log('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
