/**
 * IndexedDbSeenStore: the browser's persistent seen store, on idb-keyval. Each flushed batch is ONE
 * IndexedDB record (key: a batch number, value: [key, time][]), so the hot path never waits on or writes
 * to IndexedDB per message. load() reads every batch back so a reloaded tab does not deliver again what
 * it delivered before; compaction writes the live ids as fresh batches first and deletes the old
 * batches after, so a tab closed mid-compaction keeps (at worst) both copies, never neither.
 *
 * One store per node: give each node its own dbName (e.g. `meshcast-seen-<peerId>`), since two tabs
 * writing the same database would interleave batch numbers.
 */
import { createStore, delMany, entries, set, setMany } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { flushBatchSizeOf, isValidSeenEntry, WriteBehindSeenStore } from './write-behind.js';
import type { BackendLoad, SeenBackend, SeenEntry, WriteBehindOptions } from './write-behind.js';

export const DEFAULT_SEEN_DB_NAME = 'meshcast-seen';
export const DEFAULT_SEEN_DB_STORE = 'seen';

export interface IndexedDbSeenStoreOptions extends WriteBehindOptions {
  dbName?: string;
  storeName?: string;
}

class IndexedDbBackend implements SeenBackend {
  private readonly store: UseStore;
  /** Batch keys known to be on storage. */
  private batchKeys: number[] = [];
  private nextBatch = 0;

  constructor(
    dbName: string,
    storeName: string,
    private readonly batchSize: number,
  ) {
    this.store = createStore(dbName, storeName);
  }

  async load(): Promise<BackendLoad> {
    const rows = await entries<IDBValidKey, unknown>(this.store);
    const found: SeenEntry[] = [];
    let corrupt = 0;
    this.batchKeys = [];
    for (const [batchKey, value] of rows) {
      if (typeof batchKey === 'number') {
        this.batchKeys.push(batchKey);
        this.nextBatch = Math.max(this.nextBatch, batchKey + 1);
      } else {
        corrupt++;
        continue;
      }
      if (!Array.isArray(value)) {
        corrupt++;
        continue;
      }
      for (const entry of value) {
        if (isValidSeenEntry(entry)) found.push(entry);
        else corrupt++;
      }
    }
    // Foreign (non-numeric) keys are counted but left alone: this store only deletes its own batches.
    return { entries: found, corrupt, truncated: 0 };
  }

  async append(batch: readonly SeenEntry[]): Promise<void> {
    const key = this.nextBatch++;
    await set(key, batch, this.store);
    this.batchKeys.push(key);
  }

  async rewrite(live: readonly SeenEntry[]): Promise<void> {
    const old = this.batchKeys;
    const fresh: [number, SeenEntry[]][] = [];
    for (let i = 0; i < live.length; i += this.batchSize) {
      fresh.push([this.nextBatch++, live.slice(i, i + this.batchSize)]);
    }
    if (fresh.length > 0) await setMany(fresh, this.store);
    this.batchKeys = fresh.map(([key]) => key);
    if (old.length > 0) await delMany(old, this.store);
  }
}

export class IndexedDbSeenStore extends WriteBehindSeenStore {
  readonly dbName: string;

  constructor(options: IndexedDbSeenStoreOptions = {}) {
    const dbName = options.dbName ?? DEFAULT_SEEN_DB_NAME;
    const storeName = options.storeName ?? DEFAULT_SEEN_DB_STORE;
    super(new IndexedDbBackend(dbName, storeName, flushBatchSizeOf(options)), options);
    this.dbName = dbName;
  }
}
