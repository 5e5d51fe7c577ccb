/** Dedup stores (browser-safe). The Node file store is exported from `meshcast/node`. */
export * from './limits.js';
export { MemorySeenStore } from './memory.js';
export type { MemorySeenStoreOptions, SeenStoreStats } from './memory.js';
export { WriteBehindSeenStore, isValidSeenEntry, flushBatchSizeOf } from './write-behind.js';
export type {
  BackendLoad,
  PersistentSeenStoreStats,
  SeenBackend,
  SeenEntry,
  WriteBehindOptions,
} from './write-behind.js';
export { IndexedDbSeenStore, DEFAULT_SEEN_DB_NAME, DEFAULT_SEEN_DB_STORE } from './indexeddb.js';
export type { IndexedDbSeenStoreOptions } from './indexeddb.js';
