/**
 * Small helpers on msg frames shared by FloodRouter and MessageRelay.
 */
import type { MessageId, MsgFrame, PeerId } from '../wire/frames.js';
import { MESSAGE_ID_BYTES } from '../wire/limits.js';
import { messageIdToKey } from '../wire/ids.js';
import type { DeliveredMessage, SeenStore } from './types.js';

/** messageIdToKey, or undefined for an id of the wrong shape (bad input from the network: counted by callers). */
export function safeMessageKey(id: MessageId): string | undefined {
  return isMessageId(id) ? messageIdToKey(id) : undefined;
}

/** Whether `id` has a message id's shape (16 bytes): ids from the network are checked before any lookup. */
export function isMessageId(id: unknown): id is MessageId {
  return id instanceof Uint8Array && id.length === MESSAGE_ID_BYTES;
}

/** seen.has by id: the store's id fast path when it has one, else its key. */
export function seenHas(seen: SeenStore, id: MessageId): boolean {
  return seen.hasId !== undefined ? seen.hasId(id) : seen.has(messageIdToKey(id));
}

/**
 * seen.add by id (true when new): the store's id fast path when it has one. Otherwise has() then add(), so
 * a store of the user's whose add() returns nothing (the interface's first form) still works.
 */
export function seenAdd(seen: SeenStore, id: MessageId, now: number): boolean {
  if (seen.addId !== undefined) return seen.addId(id, now);
  const key = messageIdToKey(id);
  if (seen.has(key)) return false;
  seen.add(key, now);
  return true;
}

/** What the application receives for `frame`, which arrived from `from` (null: this node's own). */
export function toDelivered(frame: MsgFrame, from: PeerId | null): DeliveredMessage {
  return {
    id: frame.id,
    key: messageIdToKey(frame.id),
    origin: frame.origin,
    seq: frame.seq,
    hops: frame.hops,
    priority: frame.priority,
    payload: frame.payload,
    from,
  };
}
