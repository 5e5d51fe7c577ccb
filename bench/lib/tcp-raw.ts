/**
 * The floor of the `tcp` bench: a relay with no protocol at all. Length-prefixed frames (u32 big-endian +
 * payload) over node:net with Nagle off; a node delivers a frame whose id (the payload's first 4 bytes, the
 * harness's sequence number) it has not seen and forwards the very same bytes to its other neighbours.
 * Writes are corked and flushed once per tick (writev). No hello, no validation, no limits: what this
 * machine can do, not something to ship.
 */
import net from 'node:net';
import type { Edge, MeshUnderTest } from './tcp-harness.js';

const PREFIX = 4;

class RawLink {
  private pending: Buffer | null = null;
  private corked = false;

  constructor(
    readonly socket: net.Socket,
    private readonly onFrame: (link: RawLink, frame: Buffer) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {});
  }

  /** Writes one whole frame, prefix included. */
  write(frameWithPrefix: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frameWithPrefix);
  }

  private read(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= PREFIX) {
      const len = buf.readUInt32BE(at);
      if (buf.length - at < PREFIX + len) break;
      this.onFrame(this, buf.subarray(at, at + PREFIX + len));
      at += PREFIX + len;
    }
    this.pending = at === buf.length ? null : buf.subarray(at);
  }
}

class RawNode {
  readonly links: RawLink[] = [];
  private readonly seen = new Set<number>();
  server: net.Server | null = null;

  constructor(
    readonly index: number,
    private readonly deliver: (node: number, payload: Uint8Array) => void,
  ) {}

  attach(socket: net.Socket): void {
    this.links.push(new RawLink(socket, (from, frame) => this.receive(from, frame)));
  }

  publish(payload: Uint8Array): void {
    const frame = Buffer.allocUnsafe(PREFIX + payload.byteLength);
    frame.writeUInt32BE(payload.byteLength, 0);
    frame.set(payload, PREFIX);
    this.seen.add(frame.readUInt32BE(PREFIX));
    for (const link of this.links) link.write(frame);
  }

  private receive(from: RawLink, frame: Buffer): void {
    const id = frame.readUInt32BE(PREFIX);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    for (const link of this.links) if (link !== from) link.write(frame);
    this.deliver(this.index, frame.subarray(PREFIX));
  }
}

export class RawRelayMesh implements MeshUnderTest {
  readonly name = 'raw';
  private nodes: RawNode[] = [];

  async start(count: number, edges: readonly Edge[], deliver: (node: number, payload: Uint8Array) => void): Promise<void> {
    this.nodes = Array.from({ length: count }, (_, i) => new RawNode(i, deliver));
    const ports = await Promise.all(
      this.nodes.map(
        (node) =>
          new Promise<number>((resolve) => {
            node.server = net.createServer((socket) => node.attach(socket));
            node.server.listen(0, '127.0.0.1', () => resolve((node.server!.address() as net.AddressInfo).port));
          }),
      ),
    );
    let accepted = 0;
    for (const node of this.nodes) node.server!.on('connection', () => accepted++);
    await Promise.all(
      edges.map(
        ([a, b]) =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect(ports[b]!, '127.0.0.1', () => resolve());
            socket.once('error', reject);
            this.nodes[a]!.attach(socket);
          }),
      ),
    );
    while (accepted < edges.length) await new Promise((r) => setTimeout(r, 5));
  }

  publish(from: number, payload: Uint8Array): void {
    this.nodes[from]!.publish(payload);
  }

  async close(): Promise<void> {
    for (const node of this.nodes) {
      for (const link of node.links) link.socket.destroy();
      await new Promise<void>((resolve) => node.server!.close(() => resolve()));
    }
  }
}
