/**
 * The demo's test hook, `window.meshcastDemo`: lets the e2e tests (e2e/demo-*.spec.ts) read what this tab
 * delivered and drive it without scraping the page. It is also handy from the devtools console.
 *
 * `resend` re-sends messages this tab already knows (sent or delivered) straight to one neighbour as
 * raw msg frames — the way a peer re-serving old messages would — so a test can check that a reloaded tab
 * does not deliver them twice (its seen ids survive in IndexedDB).
 */
import { keyToMessageId, parseMessageId } from '../src/index.js';
import type { MsgFrame, Priority } from '../src/index.js';
import type { DemoParams } from './params.js';

/** Records kept per tab for the hook (the oldest are dropped past this). */
export const MAX_HOOK_RECORDS = 10_000;

export interface MessageRecord {
  id: string;
  origin: string;
  /** The neighbour it came from ('' for this tab's own messages). */
  from: string;
  hops: number;
  priority: Priority;
  text: string;
}

export interface PeerEventRecord {
  peer: string;
  state: string;
  at: number;
  /** Why, when the demo inferred the state rather than the node reporting it (e.g. 'left the room'). */
  note?: string;
}

/** What the hook needs of the node: the MeshNode, structurally (its internals are reached for `resend`). */
export interface HookNode {
  readonly id: string;
  peerManager: { send(to: string, frame: MsgFrame): boolean };
}

export interface MeshcastDemoHook<N extends HookNode = HookNode> {
  node: N;
  params: DemoParams;
  /** Set when node.ready resolved. */
  ready: boolean;
  /** Chat messages delivered here, in delivery order (demo control messages excluded). */
  delivered: MessageRecord[];
  /** Chat messages this tab sent. */
  sent: MessageRecord[];
  /** Peer events in arrival order: state 'connected', 'suspect', 'down', … and Date.now() at the event. */
  events: PeerEventRecord[];
  /** Sends a chat message as if typed; returns its id. */
  send(text: string, priority?: Priority): string;
  /** Re-sends known messages `ids` to neighbour `to` as raw msg frames; returns how many were sent. */
  resend(to: string, ids: readonly string[]): number;
}

const utf8 = new TextEncoder();

export function pushCapped<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_HOOK_RECORDS) list.splice(0, list.length - MAX_HOOK_RECORDS);
}

/** A msg frame carrying `record` again, as its origin first sent it (hop count 0, flood route). */
export function frameOf(record: MessageRecord): MsgFrame {
  const id = keyToMessageId(record.id);
  return {
    kind: 'msg',
    id,
    origin: record.origin,
    seq: parseMessageId(id).seq,
    hops: 0,
    priority: record.priority,
    route: 'flood',
    encoding: 'raw',
    payload: utf8.encode(record.text),
  };
}

export function resendRecords<N extends HookNode>(hook: MeshcastDemoHook<N>, to: string, ids: readonly string[]): number {
  const known = new Map([...hook.sent, ...hook.delivered].map((r) => [r.id, r]));
  let sent = 0;
  for (const id of ids) {
    const record = known.get(id);
    if (record && hook.node.peerManager.send(to, frameOf(record))) sent++;
  }
  return sent;
}
