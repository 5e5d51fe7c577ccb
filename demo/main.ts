/**
 * The meshcast demo: a chat room whose tabs form a WebRTC mesh through the signaling server that
 * `npm start` runs (see params.ts for the URL settings). This file wires the node to the page; the
 * picture is mesh-view.ts, the page helpers ui.ts, the tab-to-tab map beacons control.ts, and the e2e
 * test hook test-hook.ts.
 */
import './style.css';
import { createMeshNode } from '../src/index.js';
import type { MeshMessage, Priority, RelayMode } from '../src/index.js';
import { decodeBeacon, encodeBeacon, isControlText, CONTROL_LIMITS, TopologyBook } from './control.js';
import type { Receipt } from './control.js';
import { renderMesh, shortId } from './mesh-view.js';
import type { MeshViewNode } from './mesh-view.js';
import { readParams, roomLink } from './params.js';
import { pushCapped, resendRecords } from './test-hook.js';
import type { MeshcastDemoHook, MessageRecord } from './test-hook.js';
import {
  appendChat, appendLog, byId, checkRadio, formatBytes, radioValue, renderCounters, renderPeers, setStatus,
} from './ui.js';
import type { PeerRow } from './ui.js';

type DemoNode = ReturnType<typeof createMeshNode>;

declare global {
  interface Window {
    meshcastDemo?: MeshcastDemoHook<DemoNode>;
  }
}

/** How long a peer that left this node's table stays listed with its last state (down/failed/dead). */
const GONE_PEER_SHOWN_MS = 60_000;
/** Delay before a beacon after a link change or a delivery, so bursts share one beacon. */
const BEACON_DEBOUNCE_MS = 300;
/** Show "is the signaling server running?" when joining takes longer than this. */
const SLOW_JOIN_MS = 5_000;
const RENDER_DEBOUNCE_MS = 100;
const RENDER_INTERVAL_MS = 500;
const GONE_STATES = new Set(['down', 'failed', 'dead']);
const MODE_HELP: Record<RelayMode, string> = {
  flood: 'flood: every tab forwards every message over all its links. Fast, many duplicates.',
  hybrid: 'hybrid: flood and gossip both forward, so nothing is lost while gossip proves itself.',
  'gossip-primary': 'gossip-primary: gossip carries messages; critical ones are also flooded.',
  gossip: 'gossip: an epidemic tree plus periodic repair. Fewest duplicates.',
};

const params = readParams(location);
const els = {
  status: byId('status'),
  hint: byId('hint'),
  selfId: byId('self-id'),
  roomName: byId('room-name'),
  roomLink: byId<HTMLInputElement>('room-link'),
  copyLink: byId<HTMLButtonElement>('copy-link'),
  openTab: byId<HTMLAnchorElement>('open-tab'),
  newRoom: byId<HTMLButtonElement>('new-room'),
  messages: byId('messages'),
  chatForm: byId<HTMLFormElement>('chat-form'),
  chatInput: byId<HTMLInputElement>('chat-input'),
  priority: byId('priority'),
  mesh: byId<SVGSVGElement>('mesh'),
  meshCount: byId('mesh-count'),
  peerList: byId('peer-list'),
  peerCount: byId('peer-count'),
  modeSwitch: byId('mode-switch'),
  modeHelp: byId('mode-help'),
  counters: byId('counters'),
  log: byId('log'),
};

function startNode(): DemoNode {
  try {
    return createMeshNode({
      room: params.room,
      signaling: params.signaling,
      iceServers: [],
      dedup: params.dedup,
      ...(params.preset ? { preset: params.preset } : {}),
      ...(params.mode ? { relay: { mode: params.mode } } : {}),
      logger: (line) => appendLog(els.log, line),
    });
  } catch (err) {
    // Bad settings in the URL (e.g. ?signal=): say so on the page rather than leave it blank.
    setStatus(els.status, 'error', `Cannot start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

const node = startNode();
const self = node.id;
const book = new TopologyBook();
/** This tab's newest receipts (message id → neighbour), shared in beacons. */
const receipts: Receipt[] = [];
/** Last state an event reported per peer, to keep showing peers the node has already forgotten. */
const lastEvent = new Map<string, { state: string; at: number; note?: string }>();
let lastChat: { id: string; origin: string } | undefined;

const hook: MeshcastDemoHook<DemoNode> = {
  node,
  params,
  ready: false,
  delivered: [],
  sent: [],
  events: [],
  send: (text, priority) => sendChat(text, priority ?? 'normal'),
  resend: (to, ids) => resendRecords(hook, to, ids),
};
window.meshcastDemo = hook;

// ---- page setup ----------------------------------------------------------------------------------
const link = roomLink(location, params.room);
els.selfId.textContent = shortId(self);
els.selfId.title = self;
els.roomName.textContent = `#${params.room}`;
els.roomLink.value = link;
els.openTab.href = link;
document.title = `meshcast · #${params.room}`;
showMode(node.mode);

els.copyLink.addEventListener('click', () => {
  const done = (): void => {
    els.copyLink.textContent = 'Copied';
    setTimeout(() => (els.copyLink.textContent = 'Copy link'), 1_500);
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(link).then(done, () => els.roomLink.select());
  } else {
    els.roomLink.select();
  }
});
els.roomLink.addEventListener('focus', () => els.roomLink.select());
els.newRoom.addEventListener('click', () => {
  location.hash = `room-${Math.random().toString(36).slice(2, 8)}`;
});
// The room is the hash: a new hash is a new room, i.e. a fresh node.
window.addEventListener('hashchange', () => location.reload());

els.chatForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = els.chatInput.value.trim();
  if (!text) return;
  sendChat(text, (radioValue(els.priority) as Priority | undefined) ?? 'normal');
  els.chatInput.value = '';
  els.chatInput.focus();
});

els.modeSwitch.addEventListener('change', () => {
  const mode = radioValue(els.modeSwitch) as RelayMode | undefined;
  if (mode && mode !== node.mode) node.setMode(mode, { announce: true });
  if (mode) showMode(mode);
});

function showMode(mode: RelayMode): void {
  checkRadio(els.modeSwitch, mode);
  els.modeHelp.textContent = MODE_HELP[mode];
}

// ---- chat ----------------------------------------------------------------------------------------
function sendChat(text: string, priority: Priority): string {
  const id = node.broadcast(text, { priority });
  const record: MessageRecord = { id, origin: self, from: '', hops: 0, priority, text };
  pushCapped(hook.sent, record);
  book.track(id);
  lastChat = { id, origin: self };
  const peers = node.peers().filter((p) => p.connected).length;
  appendChat(els.messages, {
    id, who: 'you', text, mine: true, priority,
    meta: peers === 0 ? 'sent · no peer connected yet' : `sent to ${peers} neighbour${peers === 1 ? '' : 's'}`,
  });
  scheduleRender();
  return id;
}

function onMessage(m: MeshMessage): void {
  const text = m.text();
  if (isControlText(text)) {
    const beacon = decodeBeacon(text);
    if (beacon) {
      book.applyBeacon(m.origin, beacon, Date.now());
      scheduleRender();
    }
    return;
  }
  pushCapped(hook.delivered, { id: m.id, origin: m.origin, from: m.from, hops: m.hops, priority: m.priority, text });
  book.addReceipt(m.id, self, m.from);
  receipts.push({ id: m.id, from: m.from });
  if (receipts.length > CONTROL_LIMITS.maxReceipts) receipts.shift();
  lastChat = { id: m.id, origin: m.origin };
  const via = m.from === m.origin ? 'direct' : `via ${shortId(m.from)}`;
  appendChat(els.messages, {
    id: m.id, who: shortId(m.origin), text, mine: false, priority: m.priority,
    meta: `${via} · ${m.hops} hop${m.hops === 1 ? '' : 's'}`,
  });
  scheduleBeacon();
  scheduleRender();
}

// ---- map beacons ---------------------------------------------------------------------------------
function connectedIds(): string[] {
  return node.peers().filter((p) => p.connected).map((p) => p.id);
}

function sendBeacon(): void {
  const links = connectedIds();
  book.setLinks(self, links, Date.now());
  if (links.length === 0) return;
  node.broadcast(encodeBeacon({ kind: 'beacon', links, receipts }));
}

let beaconTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleBeacon(): void {
  beaconTimer ??= setTimeout(() => {
    beaconTimer = undefined;
    sendBeacon();
  }, BEACON_DEBOUNCE_MS);
}

// ---- rendering -----------------------------------------------------------------------------------
function peerRows(now: number): PeerRow[] {
  const rows: PeerRow[] = node.peers().map((p) => {
    const row: PeerRow = { id: p.id, state: p.state, role: p.role, ...(p.rttMs === undefined ? {} : { rttMs: p.rttMs }) };
    // A peer known to be gone that the node merely re-learned (from a neighbour's records) stays gone.
    const event = lastEvent.get(p.id);
    if (event && GONE_STATES.has(event.state) && (p.state === 'known' || p.state === 'suspect')) {
      row.state = event.state;
      if (event.note) row.note = event.note;
    }
    return row;
  });
  const listed = new Set(rows.map((r) => r.id));
  for (const [id, event] of lastEvent) {
    if (now - event.at > GONE_PEER_SHOWN_MS) lastEvent.delete(id);
    else if (!listed.has(id) && GONE_STATES.has(event.state)) rows.push({ id, state: event.state, ...(event.note ? { note: event.note } : {}) });
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  return [{ id: self, state: 'self' }, ...rows];
}

function render(): void {
  const now = Date.now();
  book.setLinks(self, connectedIds(), now);
  book.expire(now, self);
  const rows = peerRows(now);
  const connected = rows.filter((r) => r.state === 'connected').length;
  renderPeers(els.peerList, rows);
  els.peerCount.textContent = `${connected} connected`;
  els.hint.classList.toggle('compact', connected > 0);

  const viewNodes = new Map<string, MeshViewNode>(rows.map((r) => [r.id, { id: r.id, state: r.state }]));
  for (const [id, reported] of book.reported()) {
    if (!viewNodes.has(id)) viewNodes.set(id, { id, state: 'remote' });
    for (const other of reported.links) if (!viewNodes.has(other)) viewNodes.set(other, { id: other, state: 'remote' });
  }
  renderMesh(els.mesh, {
    self,
    nodes: [...viewNodes.values()],
    links: book.links(),
    hops: lastChat ? book.hops(lastChat.id) : [],
    origin: lastChat?.origin,
  });
  els.meshCount.textContent = `${viewNodes.size} peer${viewNodes.size === 1 ? '' : 's'}`;

  const s = node.stats();
  renderCounters(els.counters, [
    ['chat sent', String(hook.sent.length), 'chat-sent'],
    ['chat delivered', String(hook.delivered.length), 'chat-delivered'],
    ['messages sent', String(s.sent), 'sent'],
    ['delivered', String(s.delivered), 'delivered'],
    ['duplicates dropped', String(s.duplicates), 'duplicates'],
    ['rmr', s.rmr.toFixed(2), 'rmr'],
    ['payload in / out', `${formatBytes(s.payloadBytesIn)} / ${formatBytes(s.payloadBytesOut)}`, 'payload-bytes'],
    ['control in / out', `${formatBytes(s.controlBytesIn)} / ${formatBytes(s.controlBytesOut)}`, 'control-bytes'],
  ]);
  if (hook.ready) {
    setStatus(els.status, 'online', `Online · #${params.room} · ${connected} connected · ${s.mode}`);
  }
}

let renderTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleRender(): void {
  renderTimer ??= setTimeout(() => {
    renderTimer = undefined;
    render();
  }, RENDER_DEBOUNCE_MS);
}

// ---- node events ---------------------------------------------------------------------------------
node.on('message', onMessage);
function recordPeerState(id: string, state: string, note = ''): void {
  const at = Date.now();
  lastEvent.set(id, { state, at, ...(note ? { note } : {}) });
  pushCapped(hook.events, { peer: id, state, at, ...(note ? { note } : {}) });
  appendLog(els.log, `peer ${shortId(id)}: ${state}${note ? ` (${note})` : ''}`);
}

/**
 * The room says `id` left. If this node has no open link to it either, it is gone: show it down at once
 * (the node's own verdict may come later, e.g. after failed reconnection attempts, or never if it drops
 * the peer from its table first).
 */
function onPeerLeft(id: string): void {
  appendLog(els.log, `peer ${shortId(id)}: left the room`);
  const linked = node.peers().some((p) => p.id === id && p.connected);
  if (!linked && !GONE_STATES.has(lastEvent.get(id)?.state ?? '')) recordPeerState(id, 'down', 'left the room');
  scheduleRender();
}

const peerEvent = (state: string) => (id: string): void => {
  recordPeerState(id, state);
  if (state === 'connected' || state === 'disconnected') scheduleBeacon();
  scheduleRender();
};
node.on('peer:connected', peerEvent('connected'));
node.on('peer:disconnected', peerEvent('disconnected'));
node.on('peer:suspect', peerEvent('suspect'));
node.on('peer:unreachable', peerEvent('unreachable'));
node.on('peer:down', peerEvent('down'));
node.on('peer:failed', peerEvent('failed'));
node.on('peer:dead', peerEvent('dead'));
node.on('peer:recovered', peerEvent('connected'));
node.on('peer:left', onPeerLeft);
node.on('mode', (change) => {
  showMode(change.mode);
  const by = change.cause === 'remote' ? `announced by ${shortId(change.origin)}` : 'by this tab';
  appendLog(els.log, `relay mode ${change.previous} → ${change.mode} (${by})`);
  scheduleRender();
});
node.on('error', (err) => appendLog(els.log, `error: ${err instanceof Error ? err.message : String(err)}`));

const slowJoin = setTimeout(() => {
  if (!hook.ready) {
    setStatus(els.status, 'error', `Still connecting to ${params.signaling} — is the signaling server running (npm start)?`);
  }
}, SLOW_JOIN_MS);
node.ready.then(
  () => {
    clearTimeout(slowJoin);
    hook.ready = true;
    render();
  },
  (err: unknown) => {
    clearTimeout(slowJoin);
    setStatus(els.status, 'error', `Could not join: ${err instanceof Error ? err.message : String(err)}`);
  },
);

setInterval(render, RENDER_INTERVAL_MS);
setInterval(sendBeacon, params.beaconMs);
// Leaving (tab closed, reload): say bye to the neighbours and flush the seen ids.
window.addEventListener('pagehide', () => void node.close());
render();
