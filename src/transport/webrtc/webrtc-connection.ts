/**
 * One open WebRTC data channel (a simple-peer instance past its hello exchange) as a Connection.
 * Frames larger than a data-channel message are chunked (wire/chunking.ts) and reassembled here, so the
 * Connection contract holds: one send() → one 'data' event at the other end.
 */
import type { Clock } from '../../core/clock.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { Connection, ConnectionEvents } from '../../core/transport.js';
import { ChunkReassembler, chunkFrame, isChunk } from '../../wire/chunking.js';
import { isWireError } from '../../wire/errors.js';
import type { PeerId, Role } from '../../wire/frames.js';
import type { SimplePeerInstance } from './simple-peer-types.js';
import type { WebRtcLimits } from './limits.js';

export class WebRtcConnection extends TypedEmitter<ConnectionEvents> implements Connection {
  private nextTransferId = 1;
  private readonly reassembler: ChunkReassembler;
  private wireErrors = 0;
  private isClosed = false;

  constructor(
    private readonly peer: SimplePeerInstance,
    readonly remotePeerId: PeerId,
    readonly outbound: boolean,
    readonly remoteCapabilities: readonly string[],
    readonly remoteRole: Role,
    private readonly limits: WebRtcLimits,
    private readonly clock: Clock,
    private readonly onWireError: (code: string) => void,
  ) {
    super();
    this.reassembler = new ChunkReassembler({
      maxFrameBytes: limits.maxFrameBytes,
      maxInFlight: limits.maxReassemblies,
      maxBytes: limits.maxReassemblyBytes,
      timeoutMs: limits.reassemblyTimeoutMs,
    });
    peer.on('data', (message) => this.receive(message));
    peer.on('drain', () => this.emit('drain'));
    peer.on('close', () => this.finish('closed by remote'));
    peer.on('error', (err) => {
      this.emit('error', err);
      this.finish(err.code ?? err.message);
    });
  }

  get dialAddress(): string | undefined {
    return this.outbound ? this.remotePeerId : undefined;
  }

  get bufferedAmount(): number {
    return this.isClosed ? 0 : this.peer.bufferSize + this.peer.writableLength;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(frame: Uint8Array): boolean {
    if (this.isClosed) return false;
    const transferId = this.nextTransferId;
    this.nextTransferId = (this.nextTransferId + 1) >>> 0 || 1;
    if (this.bufferedAmount + frame.length > this.limits.maxBufferedBytes) {
      this.close('send buffer over maxBufferedBytes: the peer stopped reading');
      return false;
    }
    let below = true;
    for (const message of chunkFrame(frame, transferId, this.limits.chunkBytes)) {
      below = this.peer.write(message) && below;
    }
    return below;
  }

  close(reason = 'closed'): void {
    if (this.isClosed) return;
    this.peer.destroy();
    this.finish(reason);
  }

  /** Feeds a message that arrived before this object existed (the tail of the hello exchange). */
  receive(message: Uint8Array): void {
    if (this.isClosed) return;
    let frame: Uint8Array | null = message;
    if (isChunk(message)) {
      try {
        frame = this.reassembler.push(message, this.clock.now());
      } catch (err) {
        if (!isWireError(err)) throw err;
        this.onWireError(err.code);
        if (++this.wireErrors >= this.limits.maxWireErrors) this.close('too many wire errors');
        return;
      }
    }
    if (frame) this.emit('data', frame);
  }

  private finish(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.peer.removeAllListeners('data');
    this.emit('close', reason);
  }
}
