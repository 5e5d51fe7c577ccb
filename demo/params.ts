/**
 * The demo's settings, from the page URL:
 *   #room            the room (default "lobby")
 *   ?signal=ws://…   the signaling server (default: this page's own host, which is how `npm start` serves it)
 *   ?preset=NAME     a peer-lifecycle preset (fastDetection, stableNetwork, largeNetwork)
 *   ?mode=MODE       the relay mode this tab starts in (flood, hybrid, gossip-primary, gossip)
 *   ?dedup=memory    keep seen ids in memory instead of IndexedDB
 *   ?beacon=MS       how often this tab shares its links for the mesh picture (default 2000)
 */
import { RELAY_MODES } from '../src/index.js';
import type { RelayMode } from '../src/index.js';

export const PRESET_NAMES = ['fastDetection', 'stableNetwork', 'largeNetwork'] as const;
export type DemoPreset = (typeof PRESET_NAMES)[number];

export const DEFAULT_ROOM = 'lobby';
export const DEFAULT_BEACON_MS = 2_000;
/** Room names the demo accepts from the hash (the signaling server has its own, wider rules). */
const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export interface DemoParams {
  room: string;
  signaling: string;
  preset: DemoPreset | undefined;
  mode: RelayMode | undefined;
  dedup: 'memory' | 'indexeddb';
  beaconMs: number;
}

export function roomFromHash(hash: string): string {
  const room = decodeURIComponent(hash.replace(/^#/, ''));
  return ROOM_PATTERN.test(room) ? room : DEFAULT_ROOM;
}

export function readParams(location: Location): DemoParams {
  const query = new URLSearchParams(location.search);
  const preset = query.get('preset');
  const mode = query.get('mode');
  const beacon = Number(query.get('beacon'));
  const wsScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    room: roomFromHash(location.hash),
    signaling: query.get('signal') ?? `${wsScheme}//${location.host}/`,
    preset: PRESET_NAMES.find((p) => p === preset),
    mode: RELAY_MODES.find((m) => m === mode),
    dedup: query.get('dedup') === 'memory' ? 'memory' : 'indexeddb',
    beaconMs: Number.isFinite(beacon) && beacon >= 200 ? beacon : DEFAULT_BEACON_MS,
  };
}

/** The page URL for `room` with the current query kept (what "share" and "open another tab" use). */
export function roomLink(location: Location, room: string): string {
  const url = new URL(location.href);
  url.hash = room;
  return url.href;
}
