/**
 * Counts the bytes every TCP socket of this process writes, whoever opened it (meshcast's TcpTransport,
 * libp2p's @libp2p/tcp, the raw relay): node:diagnostics_channel announces every client and server socket,
 * and net.Socket#bytesWritten counts what was handed to the kernel. Measuring at this one level keeps the
 * wire-bytes figure the same thing for every implementation under test (frames, headers, muxer and
 * control traffic included).
 */
import diagnostics from 'node:diagnostics_channel';
import type net from 'node:net';

export class SocketByteCounter {
  private readonly sockets = new Set<net.Socket>();
  private readonly onSocket = (message: unknown): void => {
    const socket = (message as { socket: net.Socket }).socket;
    this.sockets.add(socket);
  };

  constructor() {
    diagnostics.subscribe('net.client.socket', this.onSocket);
    diagnostics.subscribe('net.server.socket', this.onSocket);
  }

  /** Bytes written so far by every socket seen (closed ones keep their final count). */
  bytesWritten(): number {
    let total = 0;
    for (const socket of this.sockets) total += socket.bytesWritten;
    return total;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  dispose(): void {
    diagnostics.unsubscribe('net.client.socket', this.onSocket);
    diagnostics.unsubscribe('net.server.socket', this.onSocket);
  }
}
