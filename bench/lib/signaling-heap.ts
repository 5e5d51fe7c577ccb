/**
 * What one signaling connection costs, by object kind:
 * `npx tsx bench/lib/signaling-heap.ts [--clients=2000] [--sort=size] [--rows=20]`
 * starts each server (meshcast's, y-webrtc's) in a child process under plain node as the `signaling` bench
 * does, writes a heap snapshot before any client and one with every client joined (rooms of 10), and prints
 * the per-connection difference by (V8 node type, constructor name), meshcast's against y-webrtc's,
 * largest gap first.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlag } from './args.js';
import { ServerProcess } from './server-process.js';
import { compileForNode } from './signaling-build.js';
import { meshcastProtocol, yWebrtcProtocol, type SignalingBenchClient, type SignalingProtocol } from './signaling-clients.js';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per "type name" (all strings under one key). */
function tally(path: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType]!]!;
    const name = type.includes('string') ? '(string)' : type === 'code' ? '(code)' : snap.strings[snap.nodes[i + iName]!]!.slice(0, 60);
    const key = `${type} ${name}`;
    const entry = out.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + iSize]!;
    entry.count++;
    out.set(key, entry);
  }
  return out;
}

async function perConnection(protocol: SignalingProtocol, script: string, clients: number) {
  const server = await ServerProcess.start(script, { useTsx: false });
  const snapshot = (path: string): Promise<void> =>
    new Promise((resolve) => {
      server.child.once('message', () => resolve());
      server.child.send({ probe: 'snapshot', path });
    });
  const before = join(tmpdir(), `meshcast-heap-${protocol.name}-${process.pid}-0.heapsnapshot`);
  const after = join(tmpdir(), `meshcast-heap-${protocol.name}-${process.pid}-1.heapsnapshot`);
  const open: SignalingBenchClient[] = [];
  try {
    await snapshot(before);
    for (let i = 0; i < clients; i++) {
      open.push(await protocol.join(`ws://127.0.0.1:${server.port}/`, `room${Math.floor(i / 10)}`, `c${i}`, { onSignal() {}, onDelivery() {} }));
    }
    await snapshot(after);
  } finally {
    for (const c of open) c.close();
    await server.stop();
  }
  const [a, b] = [tally(before), tally(after)];
  rmSync(before, { force: true });
  rmSync(after, { force: true });
  const diff = new Map<string, { bytes: number; objects: number }>();
  for (const [key, { size, count }] of b) {
    const old = a.get(key) ?? { size: 0, count: 0 };
    diff.set(key, { bytes: (size - old.size) / clients, objects: (count - old.count) / clients });
  }
  return diff;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const clients = numberFlag(process.argv.slice(2), 'clients', 2000);
  const here = fileURLToPath(new URL('.', import.meta.url));
  const meshcastServer = await compileForNode(join(here, 'signaling-meshcast-server.ts')); // plain node, as y-webrtc
  const mesh = await perConnection(meshcastProtocol, meshcastServer, clients);
  const yw = await perConnection(yWebrtcProtocol, join(here, '..', '..', 'node_modules', 'y-webrtc', 'bin', 'server.js'), clients);
  const total = (m: Map<string, { bytes: number }>): number => [...m.values()].reduce((s, v) => s + v.bytes, 0);
  console.log(`heap per connection with ${clients} clients: meshcast ${total(mesh).toFixed(0)} B, y-webrtc ${total(yw).toFixed(0)} B`);
  const rows = [...new Set([...mesh.keys(), ...yw.keys()])].map((key) => {
    const m = mesh.get(key) ?? { bytes: 0, objects: 0 };
    const y = yw.get(key) ?? { bytes: 0, objects: 0 };
    return { key, gap: m.bytes - y.bytes, m, y };
  });
  // --sort=size lists meshcast's largest kinds first (where its bytes are), the default the largest gaps.
  const bySize = process.argv.includes('--sort=size');
  rows.sort((p, q) => (bySize ? q.m.bytes - p.m.bytes : q.gap - p.gap));
  for (const { key, gap, m, y } of rows.slice(0, numberFlag(process.argv.slice(2), 'rows', 20))) {
    console.log(
      `${gap.toFixed(0).padStart(6)} B   meshcast ${m.bytes.toFixed(0).padStart(5)} B ×${m.objects.toFixed(2)}   y-webrtc ${y.bytes.toFixed(0).padStart(5)} B ×${y.objects.toFixed(2)}   ${key}`,
    );
  }
  process.exit(0);
}
