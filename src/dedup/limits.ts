/**
 * Every bound of the dedup stores, in one place (docs/PROTOCOL.md lists the same numbers).
 * The seen TTL defaults to the gossip's maxMessageAge: a message older than that is no longer relayed,
 * so forgetting that it was seen cannot cause a second delivery of a live message.
 */

/** How long a seen message id is remembered (ms). Equals GossipProtocol's default maxMessageAge. */
export const DEFAULT_SEEN_TTL_MS = 60_000;
/** Most ids a store remembers; past it the oldest are evicted first. */
export const DEFAULT_MAX_SEEN_ENTRIES = 100_000;
/** Write-behind: pending ids are flushed at most this long after the first one was added (ms). */
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
/** Write-behind: a flush starts at once when this many ids are pending (one write per batch). */
export const DEFAULT_FLUSH_BATCH_SIZE = 512;
/**
 * Persisted entries (live plus dead) may exceed the live count by this factor before the store
 * rewrites its storage with the live entries only (compaction; also how expired ids leave the disk).
 */
export const DEFAULT_COMPACTION_FACTOR = 2;
/** Compaction is not worth it below this many persisted entries. */
export const MIN_COMPACTION_ENTRIES = 1_024;
/** Longest key a persistent store accepts (messageIdToKey output is far shorter). */
export const MAX_SEEN_KEY_LENGTH = 256;
