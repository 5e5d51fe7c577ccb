/**
 * Who gets in, decided as early as possible. At TCP accept: the total and per-address connection caps
 * (thousands of sockets from one client are destroyed before a byte is parsed). At the HTTP upgrade:
 * shutdown in progress (503) and the Origin allowlist (403). The per-address map holds one entry per
 * address with an open socket, so it is bounded by maxConnections.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RejectReason } from './metrics.js';
import { originAllowed, type OriginsOption } from './access.js';

export class ConnectionGate {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  /**
   * One 'close' listener for every socket (an emitter calls it with `this` = the socket), rather than a
   * closure per connection. It reads the address again: a net.Socket keeps its peer address once read
   * (admit() read it), so it is still there after the close.
   */
  private readonly release: (this: Socket) => void;

  constructor(private readonly limits: { maxConnections: number; maxConnectionsPerIp: number }) {
    const gate = this;
    this.release = function (this: Socket) {
      gate.forget(this.remoteAddress ?? 'unknown');
    };
  }

  get open(): number {
    return this.total;
  }

  /** Counts a new socket in, or returns why it must be refused (the caller destroys it). */
  admit(socket: Socket): RejectReason | undefined {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.total >= this.limits.maxConnections) return 'capacity';
    if (fromAddress >= this.limits.maxConnectionsPerIp) return 'per_ip';
    this.total++;
    this.perAddress.set(address, fromAddress + 1);
    socket.on('close', this.release); // a socket closes once
    return undefined;
  }

  private forget(address: string): void {
    this.total--;
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}

/** Why an upgrade request must be refused, with the HTTP status to answer, or undefined to accept. */
export function checkUpgrade(
  req: IncomingMessage,
  state: { closing: boolean; allowedOrigins: OriginsOption | undefined },
): { reason: RejectReason; status: number } | undefined {
  if (state.closing) return { reason: 'shutting_down', status: 503 };
  if (!originAllowed(state.allowedOrigins, req.headers.origin)) return { reason: 'origin', status: 403 };
  return undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  426: 'Upgrade Required',
  503: 'Service Unavailable',
};

/**
 * Answers a raw socket (an upgrade or a broken request) with a bare HTTP error, then closes it.
 * `headers` are extra header lines ("Name: value"), e.g. the version a 426 asks for.
 */
export function refuseSocket(socket: Duplex, status: number, headers: readonly string[] = []): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  const extra = headers.map((line) => `${line}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}
