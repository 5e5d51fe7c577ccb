/**
 * meshcast in the `tcp` bench: one createMeshNode (meshcast/node) per node, all in this process, over
 * TcpTransport on 127.0.0.1 — the full stack (encode, frame, TCP, decode, dedup, deliver) as a user gets it.
 * `--mode=` picks the relay mode (default: the library's default), `--floodHops=` the gossip's flood phase. The bench's topology is kept: node a
 * dials its higher-numbered neighbours (nodes are created from the highest index down so each dial address is
 * known) and the PeerManager's active view target is the node's degree, so no extra links are dialed.
 */
import { createMeshNode, type NodeMeshNode } from '../../src/node.js';
import type { RelayMode } from '../../src/wire/frames.js';
import { stringFlag } from './args.js';
import type { Edge, MeshUnderTest } from './tcp-harness.js';
import { waitFor } from './stats.js';

export class MeshcastTcpMesh implements MeshUnderTest {
  readonly name = 'meshcast';
  private nodes: NodeMeshNode[] = [];
  private readonly mode: RelayMode | undefined;
  private readonly floodHops: number | undefined;
  private errors = 0;
  private lastError = '';

  constructor(args: string[]) {
    const mode = stringFlag(args, 'mode', '');
    this.mode = mode === '' ? undefined : (mode as RelayMode);
    const floodHops = stringFlag(args, 'floodHops', '');
    this.floodHops = floodHops === '' ? undefined : Number(floodHops);
  }

  async start(count: number, edges: readonly Edge[], deliver: (node: number, payload: Uint8Array) => void): Promise<void> {
    const neighbours = (i: number): number[] =>
      edges.flatMap(([a, b]) => (a === i ? [b] : b === i ? [a] : []));
    const nodes: NodeMeshNode[] = new Array(count);
    for (let i = count - 1; i >= 0; i--) {
      const higher = neighbours(i).filter((j) => j > i);
      const degree = neighbours(i).length;
      const node = createMeshNode({
        peerId: `n${i}`,
        listen: '127.0.0.1:0',
        connect: higher.map((j) => nodes[j]!.listenAddress()!),
        dedup: 'memory',
        preset: { activeViewTarget: degree, maxPooledConnections: degree },
        relay: {
          ...(this.mode ? { mode: this.mode } : {}),
          ...(this.floodHops === undefined ? {} : { floodHops: this.floodHops }),
        },
      });
      node.on('message', (m) => deliver(i, m.data));
      node.on('error', (err) => {
        this.errors++;
        this.lastError = err instanceof Error ? err.message : String(err);
      });
      await node.ready;
      nodes[i] = node;
    }
    this.nodes = nodes;
    await waitFor(
      () => nodes.every((n, i) => n.peers().filter((p) => p.connected).length === neighbours(i).length),
      15_000,
      'meshcast links',
    );
  }

  publish(from: number, payload: Uint8Array): void {
    this.nodes[from]!.broadcast(payload);
  }

  details(): object {
    const stats = this.nodes.map((n) => n.stats());
    return {
      mode: stats[0]?.mode,
      connections: this.nodes.map((n) => n.peers().filter((p) => p.connected).length),
      duplicatesPerNode: stats.map((s) => s.duplicates),
      payloadBytesOut: stats.reduce((sum, s) => sum + s.payloadBytesOut, 0),
      controlBytesOut: stats.reduce((sum, s) => sum + s.controlBytesOut, 0),
      errors: this.errors,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}
