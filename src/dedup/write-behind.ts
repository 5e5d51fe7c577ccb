/**
 * WriteBehindSeenStore: a MemorySeenStore in front (the relay's synchronous hot path) and a storage
 * backend behind it, written in batches. Ids added since the last flush wait in `pending`; a flush starts
 * when DEFAULT_FLUSH_BATCH_SIZE of them are pending or DEFAULT_FLUSH_INTERVAL_MS after the first one,
 * so storage sees one write per batch, never one per message. Flushes are serialised on one promise
 * chain. load() restores the live (unexpired) ids on start; when dead entries pile up on storage
 * (expired or evicted ids) the backend is rewritten with the live ones (compaction), which is how
 * storage stays pruned by age and bounded.
 *
 * The backends (IndexedDB, a Node file) only move [key, time] pairs; this class owns the policy.
 */
import { RealClock } from '../core/clock.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { SeenStore } from '../relay/types.js';
import type { MessageId } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';
import {
  DEFAULT_COMPACTION_FACTOR,
  DEFAULT_FLUSH_BATCH_SIZE,
  DEFAULT_FLUSH_INTERVAL_MS,
  MAX_SEEN_KEY_LENGTH,
  MIN_COMPACTION_ENTRIES,
} from './limits.js';
import { MemorySeenStore } from './memory.js';
import type { MemorySeenStoreOptions, SeenStoreStats } from './memory.js';

export type SeenEntry = readonly [key: string, time: number];

/** What a backend found on load, including what it had to skip. */
export interface BackendLoad {
  entries: SeenEntry[];
  /** Records that did not parse (corrupt bytes, foreign values); skipped. */
  corrupt: number;
  /** A partially written last record (crash mid-write); skipped. */
  truncated: number;
}

export interface SeenBackend {
  load(): Promise<BackendLoad>;
  /** Persists one batch (one storage write). */
  append(entries: readonly SeenEntry[]): Promise<void>;
  /** Replaces everything persisted with `entries`; must never leave storage with less than before on a crash. */
  rewrite(entries: readonly SeenEntry[]): Promise<void>;
  close?(): Promise<void>;
}

export interface WriteBehindOptions extends MemorySeenStoreOptions {
  /** Timers and the load-time "now". Default RealClock. */
  clock?: Clock;
  flushIntervalMs?: number;
  flushBatchSize?: number;
  /** Persisted/live ratio that triggers a rewrite. Default DEFAULT_COMPACTION_FACTOR. */
  compactionFactor?: number;
}

export interface PersistentSeenStoreStats extends SeenStoreStats {
  pending: number;
  /** Entries on storage, live and dead, as far as this store knows. */
  persisted: number;
  flushes: number;
  compactions: number;
  /** Ids restored by load(). */
  restored: number;
  /** Records load() skipped: corrupt, or expired. */
  corruptOnLoad: number;
  truncatedOnLoad: number;
  expiredOnLoad: number;
  /** Failed storage writes (the ids stay in memory and are retried with the next batch). */
  writeErrors: number;
  /** Ids given up on because pending hit maxEntries while storage kept failing. */
  droppedWrites: number;
}

export function isValidSeenEntry(value: unknown): value is [string, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    value[0].length > 0 &&
    value[0].length <= MAX_SEEN_KEY_LENGTH &&
    typeof value[1] === 'number' &&
    Number.isFinite(value[1])
  );
}

/** The batch size a store built with `options` uses (backends chunk their rewrites by it). */
export function flushBatchSizeOf(options: WriteBehindOptions): number {
  return Math.max(1, Math.floor(options.flushBatchSize ?? DEFAULT_FLUSH_BATCH_SIZE));
}

export class WriteBehindSeenStore implements SeenStore {
  readonly flushIntervalMs: number;
  readonly flushBatchSize: number;
  readonly compactionFactor: number;
  protected readonly memory: MemorySeenStore;
  private readonly clock: Clock;
  private pending: SeenEntry[] = [];
  private timer: TimerHandle | undefined;
  /** Batch writes enqueued and not finished. */
  private writesQueued = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private persisted = 0;
  private counters = {
    flushes: 0,
    compactions: 0,
    restored: 0,
    corruptOnLoad: 0,
    truncatedOnLoad: 0,
    expiredOnLoad: 0,
    writeErrors: 0,
    droppedWrites: 0,
  };
  /** The last storage error, for diagnostics. */
  lastError: unknown;

  constructor(
    private readonly backend: SeenBackend,
    options: WriteBehindOptions = {},
  ) {
    this.memory = new MemorySeenStore(options);
    this.clock = options.clock ?? new RealClock();
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.flushBatchSize = flushBatchSizeOf(options);
    this.compactionFactor = Math.max(1, options.compactionFactor ?? DEFAULT_COMPACTION_FACTOR);
  }

  get size(): number {
    return this.memory.size;
  }

  get ttlMs(): number {
    return this.memory.ttlMs;
  }

  has(key: string): boolean {
    return this.memory.has(key);
  }

  hasId(id: MessageId): boolean {
    return this.memory.hasId(id);
  }

  addId(id: MessageId, now: number): boolean {
    if (!this.memory.addId(id, now)) return false;
    // Storage holds keys: the string is built only for a new id, and only here.
    if (!this.closed) this.queueWrite(messageIdToKey(id), now);
    return true;
  }

  add(key: string, now: number): boolean {
    if (!this.memory.add(key, now)) return false;
    if (this.closed || key.length > MAX_SEEN_KEY_LENGTH) return true;
    this.queueWrite(key, now);
    return true;
  }

  private queueWrite(key: string, now: number): void {
    this.pending.push([key, now]);
    if (this.pending.length > this.memory.maxEntries) {
      // Storage is slower than arrivals: keep the newest ids (the store itself remembers no more).
      const drop = this.pending.length - this.memory.maxEntries;
      this.pending.splice(0, drop);
      this.counters.droppedWrites += drop;
    }
    // One automatic write at a time: while storage is busy the batch grows (bounded above) instead of
    // queueing a chain of writes behind a slow IndexedDB.
    if (this.pending.length >= this.flushBatchSize && this.writesQueued === 0) void this.flush();
    else this.scheduleFlush();
  }

  prune(now: number): number {
    return this.memory.prune(now);
  }

  /**
   * Restores the unexpired ids from storage (oldest first, so maxEntries keeps the newest). Call it
   * before the node starts relaying. Rewrites storage when it held dead entries.
   */
  load(): Promise<number> {
    return this.enqueue(async () => {
      const found = await this.backend.load();
      const cutoff = this.clock.now() - this.memory.ttlMs;
      const live = found.entries.filter(([, time]) => time > cutoff);
      live.sort((a, b) => a[1] - b[1]);
      let restored = 0;
      for (const [key, time] of live) if (this.memory.add(key, time)) restored++;
      this.counters.restored += restored;
      this.counters.corruptOnLoad += found.corrupt;
      this.counters.truncatedOnLoad += found.truncated;
      this.counters.expiredOnLoad += found.entries.length - live.length;
      this.persisted = found.entries.length;
      const dirty = found.entries.length !== restored || found.corrupt > 0 || found.truncated > 0;
      if (dirty) await this.compactNow();
      return restored;
    });
  }

  /** Writes every pending id now; resolves when storage has them (errors are counted, not thrown). */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      this.clock.cancelTimer(this.timer);
      this.timer = undefined;
    }
    // The batch is cut now, so each flush is exactly one storage write of what was pending at the call.
    const batch = this.pending;
    this.pending = [];
    this.writesQueued++;
    const errorsBefore = this.counters.writeErrors;
    return this.enqueue(() => this.writeBatch(batch)).finally(() => {
      this.writesQueued--;
      // What piled up meanwhile goes next — after a success only: a failing storage is retried on the
      // flush timer, never in a tight loop.
      const ok = this.counters.writeErrors === errorsBefore;
      if (ok && this.writesQueued === 0 && this.pending.length >= this.flushBatchSize && !this.closed) void this.flush();
    });
  }

  /** Flushes and stops persisting; the memory front keeps working. */
  async close(): Promise<void> {
    const last = this.flush();
    this.closed = true;
    await last;
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
    await this.enqueue(async () => {
      await this.backend.close?.();
    });
  }

  getStats(): PersistentSeenStoreStats {
    return { ...this.memory.getStats(), pending: this.pending.length, persisted: this.persisted, ...this.counters };
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = this.clock.setTimer(this.flushIntervalMs, () => {
      this.timer = undefined;
      void this.flush();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    // The chain itself never rejects, so one failed task does not poison the next.
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async writeBatch(batch: SeenEntry[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.backend.append(batch);
      this.persisted += batch.length;
      this.counters.flushes++;
    } catch (err) {
      this.counters.writeErrors++;
      this.lastError = err;
      // Retry with the next batch, but never hold more than the store itself remembers.
      const room = this.memory.maxEntries - this.pending.length;
      const kept = room > 0 ? batch.slice(Math.max(0, batch.length - room)) : [];
      this.counters.droppedWrites += batch.length - kept.length;
      this.pending = kept.concat(this.pending);
      this.scheduleFlush();
      return;
    }
    const threshold = Math.max(MIN_COMPACTION_ENTRIES, this.memory.size * this.compactionFactor);
    if (this.persisted > threshold) {
      this.memory.prune(this.clock.now());
      await this.compactNow();
    }
  }

  private async compactNow(): Promise<void> {
    // Pending ids are in memory already, so the snapshot covers them too.
    const live = this.memory.snapshot();
    const pendingBefore = this.pending;
    this.pending = [];
    try {
      await this.backend.rewrite(live);
      this.persisted = live.length;
      this.counters.compactions++;
    } catch (err) {
      this.counters.writeErrors++;
      this.lastError = err;
      this.pending = pendingBefore.concat(this.pending);
      this.scheduleFlush();
    }
  }
}
