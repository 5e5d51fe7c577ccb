/**
 * createMeshNode for browsers: WebRTC data channels (simple-peer's browser bundle) found through the
 * signaling server, seen ids in IndexedDB so a reload never re-delivers. Node adds TCP in
 * meshcast/node (src/node/create-node.ts).
 *
 *   const node = createMeshNode({ room: 'lobby', signaling: 'ws://localhost:8787' });
 *   node.on('message', (m) => console.log(m.origin, m.text()));
 *   await node.ready;
 *   node.broadcast('hello');
 */
import { IndexedDbSeenStore } from '../dedup/indexeddb.js';
import { browserPeerFactory } from '../transport/webrtc/browser-peer.js';
import { WebRtcTransport } from '../transport/webrtc/webrtc-transport.js';
import type { MeshNode } from './mesh-node.js';
import { buildMeshNode, createSignaling, memorySeenStore, NODE_CAPABILITIES, resolveBasics, seenStoreLimits, startUp, type NodeSeenStore } from './setup.js';
import type { MeshNodeOptions } from './types.js';

/** A persistent store per room and peer id: a tab keeps its id across reloads (sessionStorage). */
function browserSeenStore(options: MeshNodeOptions, peerId: string): NodeSeenStore {
  const wantsIdb = options.dedup === 'indexeddb' || (options.dedup === undefined && typeof indexedDB !== 'undefined');
  if (typeof options.dedup === 'object') return options.dedup;
  if (!wantsIdb) return memorySeenStore(options);
  return new IndexedDbSeenStore({ dbName: `meshcast-seen:${options.room ?? 'default'}:${peerId}`, ...seenStoreLimits(options) });
}

/**
 * The tab's peer id: kept in sessionStorage per room, so a reloaded tab is the same peer (its seen store
 * is found again) while another tab is another peer.
 */
function tabPeerId(room: string | undefined): string | undefined {
  try {
    return globalThis.sessionStorage?.getItem(`meshcast-peer-id:${room ?? ''}`) ?? undefined;
  } catch {
    return undefined; // storage disabled (privacy mode): a fresh id each load
  }
}

function rememberTabPeerId(room: string | undefined, id: string): void {
  try {
    globalThis.sessionStorage?.setItem(`meshcast-peer-id:${room ?? ''}`, id);
  } catch {
    // storage disabled: nothing to remember
  }
}

export function createMeshNode(options: MeshNodeOptions): MeshNode {
  const stored = options.peerId === undefined ? tabPeerId(options.room) : undefined;
  const basics = resolveBasics(stored ? { ...options, peerId: stored } : options, 'browser');
  if (options.peerId === undefined) rememberTabPeerId(options.room, basics.peerId);
  const signaling = createSignaling(options, basics);
  if (!signaling) throw new RangeError('meshcast: the browser entry needs { room, signaling }');
  const seen = browserSeenStore(options, basics.peerId);
  const transport = new WebRtcTransport({
    peerId: basics.peerId,
    role: basics.role,
    capabilities: NODE_CAPABILITIES,
    signaling,
    createPeer: browserPeerFactory,
    iceServers: options.iceServers ?? [],
    clock: basics.clock,
  });
  const node = buildMeshNode(options, basics, { transport, seen, signaling });
  // A tab can be closed or reloaded at any moment: write the ids of the last second out now, so the
  // reloaded tab finds them (the store otherwise flushes in batches).
  const flushOnHide = (): void => void seen.flush?.();
  globalThis.addEventListener?.('pagehide', flushOnHide);
  node.once('closed', () => globalThis.removeEventListener?.('pagehide', flushOnHide));
  return node.boot((n) => startUp(n, { load: seen.load?.bind(seen), signaling, log: basics.log }));
}
