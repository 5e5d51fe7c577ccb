/**
 * Small helpers on msg frames shared by FloodRouter and MessageRelay.
 */
import type { MessageId, MsgFrame, PeerId } from '../wire/frames.js';
import { MESSAGE_ID_BYTES } from '../wire/limits.js';
import { messageIdToKey } from '../wire/ids.js';
import type { DeliveredMessage } from './types.js';

/** messageIdToKey, or undefined for an id of the wrong shape (bad input from the network: counted by callers). */
export function safeMessageKey(id: MessageId): string | undefined {
  return id instanceof Uint8Array && id.length === MESSAGE_ID_BYTES ? messageIdToKey(id) : undefined;
}

/** What the application receives for `frame`, which arrived from `from` (null: this node's own). */
export function toDelivered(frame: MsgFrame, key: string, from: PeerId | null): DeliveredMessage {
  return {
    id: frame.id,
    key,
    origin: frame.origin,
    seq: frame.seq,
    hops: frame.hops,
    priority: frame.priority,
    payload: frame.payload,
    from,
  };
}
