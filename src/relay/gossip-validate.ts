/**
 * Shape checks for relay frames handed to the gossip. Frames decoded by the codec already pass them;
 * these guard against a host handing in something else (a test, a future transport, a bug), so a bad
 * frame becomes a counter, never an exception inside the state machine.
 */
import type { MessageId, Priority, Route } from '../wire/frames.js';
import { isMessageId } from './message.js';
import type { RelayFrame } from './types.js';
import type { GossipCounters } from './gossip-stats.js';

const PRIORITY_SET: ReadonlySet<string> = new Set<Priority>(['normal', 'immediate', 'critical']);
const ROUTE_SET: ReadonlySet<string> = new Set<Route>(['flood', 'push', 'pull']);

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && PRIORITY_SET.has(value);
}

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

export function isWellFormed(frame: RelayFrame): boolean {
  if (frame === null || typeof frame !== 'object') return false;
  switch (frame.kind) {
    case 'msg':
      return (
        frame.id instanceof Uint8Array &&
        frame.payload instanceof Uint8Array &&
        typeof frame.origin === 'string' &&
        isCount(frame.seq) &&
        isCount(frame.hops) &&
        isPriority(frame.priority) &&
        ROUTE_SET.has(frame.route) &&
        (frame.encoding === 'raw' || frame.encoding === 'deflate') &&
        (frame.signature === undefined || frame.signature instanceof Uint8Array)
      );
    case 'ihave':
    case 'iwant':
    case 'digest':
    case 'graft':
      return Array.isArray(frame.ids) && frame.ids.every((id) => id instanceof Uint8Array);
    case 'prune':
      return true;
    case 'mode':
      return typeof frame.origin === 'string' && isCount(frame.epoch);
    default:
      return false;
  }
}

/**
 * The ids of an id list that have the right length, at most `max` of them: a longer list is cut
 * (counted in oversizeIdLists) and each id of the wrong length is skipped (counted in badIds).
 */
export function validIds(ids: MessageId[], max: number, counters: GossipCounters): MessageId[] {
  let list = ids;
  if (list.length > max) {
    counters.oversizeIdLists++;
    list = list.slice(0, max);
  }
  const out: MessageId[] = [];
  for (const id of list) {
    if (!isMessageId(id)) counters.badIds++;
    else out.push(id);
  }
  return out;
}
