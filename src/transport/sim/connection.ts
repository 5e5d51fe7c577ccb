/**
 * One end of a simulated connection. send() and close() hand off to the simulation kernel; the kernel
 * calls the `deliver*` methods when events reach this end. Frames are not copied: the receiver gets the
 * very Uint8Array the sender passed (and a duplicate delivery gets it again), so neither side may mutate a
 * frame after send() / in a 'data' listener.
 */
import { TypedEmitter } from '../../core/emitter.js';
import type { Connection, ConnectionEvents } from '../../core/transport.js';
import type { LinkOptions } from './types.js';
import type { PeerId } from '../../wire/frames.js';
import type { SimKernel } from './kernel.js';
import { copyLinkOptions, type LinkState, type OrderedLane } from './link.js';
import type { NodeRecord } from './node.js';

type DataListener = ConnectionEvents['data'];

export class SimConnection extends TypedEmitter<ConnectionEvents> implements Connection, OrderedLane {
  // Fields the per-frame path reads come first, so they share the object's first cache line.
  closed = false;
  /** The other end (set right after both ends are built). */
  peer!: SimConnection;
  /** The directed link this end sends on. */
  readonly link: LinkState;
  private readonly kernel: SimKernel;
  /**
   * 'data' listeners, kept apart from the emitter's map as a copy-on-write array: the per-frame path is
   * then one array read instead of a Map and a Set lookup (cache misses that dominated at 10,000 nodes).
   */
  private dataListeners: DataListener[] = [];
  /** The only 'data' listener when there is exactly one (the usual case): one pointer hop fewer per frame. */
  private soleDataListener: DataListener | null = null;
  /** Node indices of both ends, kept here so the per-frame trace needs no node records. */
  readonly localIndex: number;
  readonly remoteIndex: number;
  // The sending direction's link options, copied from `link` (kept in step by SimNetwork.setLink) so
  // that send() reads this object only; and this end's FIFO position.
  latencyMs = 0;
  jitterMs = 0;
  jitter: LinkOptions['jitter'] = 'uniform';
  bandwidthBytesPerSec: number | undefined = undefined;
  loss = 0;
  duplicate = 0;
  reorder = 0;
  lastArrival = 0;
  /** Bytes sent and not yet transmitted (only ever non-zero on bandwidth-limited links). */
  bufferedAmount = 0;
  /** Time this end opens (the dialer's end opens when the accept arrives). */
  openAt: number;
  /** send() returned false; 'drain' is owed once the queue falls to the low-water mark. */
  needDrain = false;
  /** A close notice (FIN/RST) is on its way to this end, so frames from here need no reset reply. */
  closeNoticeInFlight = false;

  constructor(
    kernel: SimKernel,
    /** The node owning this end, and the incarnation that opened it. */
    readonly node: NodeRecord,
    readonly inc: number,
    readonly remotePeerId: PeerId,
    remoteIndex: number,
    readonly outbound: boolean,
    readonly remoteCapabilities: readonly string[],
    link: LinkState,
    openAt: number,
  ) {
    super();
    this.kernel = kernel;
    this.link = link;
    copyLinkOptions(this, link);
    this.localIndex = node.index;
    this.remoteIndex = remoteIndex;
    this.openAt = openAt;
  }

  /**
   * Queues `frame` for the other end. Returns false when the queue is over the high-water mark (the frame
   * is still sent; wait for 'drain'), and also on a closed connection, where the frame is dropped and
   * counted in stats().dropped.closed.
   */
  send(frame: Uint8Array): boolean {
    return this.kernel.send(this, frame);
  }

  close(reason = 'closed'): void {
    this.kernel.close(this, reason);
  }

  override on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): () => void {
    if (event !== 'data') return super.on(event, listener);
    const l = listener as DataListener;
    if (!this.dataListeners.includes(l)) this.setDataListeners([...this.dataListeners, l]);
    return () => this.off(event, listener);
  }

  override off<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): void {
    if (event !== 'data') return super.off(event, listener);
    this.setDataListeners(this.dataListeners.filter((l) => l !== listener));
  }

  private setDataListeners(listeners: DataListener[]): void {
    this.dataListeners = listeners;
    this.soleDataListener = listeners.length === 1 ? (listeners[0] as DataListener) : null;
  }

  override listenerCount<K extends keyof ConnectionEvents>(event: K): number {
    return event === 'data' ? this.dataListeners.length : super.listenerCount(event);
  }

  override removeAllListeners(): void {
    this.setDataListeners([]);
    super.removeAllListeners();
  }

  deliverData(frame: Uint8Array): void {
    const sole = this.soleDataListener;
    if (sole !== null) {
      try {
        sole(frame);
      } catch (err) {
        this.listenerFailed(err);
      }
      return;
    }
    const listeners = this.dataListeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as DataListener)(frame);
      } catch (err) {
        this.listenerFailed(err);
      }
    }
  }

  /** Same contract as TypedEmitter.emit: report to 'error' listeners, never unwind the event loop. */
  private listenerFailed(err: unknown): void {
    if (super.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new Error(String(err)));
    else
      queueMicrotask(() => {
        throw err;
      });
  }

  deliverDrain(): void {
    this.emit('drain');
  }

  deliverClose(reason: string): void {
    this.emit('close', reason);
  }
}
