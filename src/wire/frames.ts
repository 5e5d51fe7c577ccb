/**
 * The one wire protocol: every mesh link (TCP, WebRTC) and the signaling server speak these frames.
 * docs/PROTOCOL.md is the byte-level specification; this file is its TypeScript shape.
 *
 * On the wire a frame is a msgpack array `[version, kind, ...fields]` with positional fields (see
 * codec.ts). Positional arrays keep frames small and leave no map keys to pollute.
 */

/** Protocol major version carried in every frame. Frames of another major are rejected (bad_version). */
export const PROTOCOL_VERSION = 1;

export type PeerId = string;
/** A message id: MESSAGE_ID_BYTES raw bytes (see ids.ts for how it is derived). */
export type MessageId = Uint8Array;

export type Role = 'browser' | 'server';
export const ROLES: readonly Role[] = ['browser', 'server'];

/**
 * normal: may ride the next gossip round. immediate: forwarded on receipt.
 * critical: immediate, and also flooded in gossip-primary mode.
 */
export type Priority = 'normal' | 'immediate' | 'critical';
export const PRIORITIES: readonly Priority[] = ['normal', 'immediate', 'critical'];

export type RelayMode = 'flood' | 'hybrid' | 'gossip-primary' | 'gossip';
export const RELAY_MODES: readonly RelayMode[] = ['flood', 'hybrid', 'gossip-primary', 'gossip'];

/** How a msg frame travels: flooded, eagerly pushed along the gossip tree, or served on a pull. */
export type Route = 'flood' | 'push' | 'pull';
export const ROUTES: readonly Route[] = ['flood', 'push', 'pull'];

/** Payload encodings; 'deflate' is only sent to peers whose hello announced the capability. */
export type PayloadEncoding = 'raw' | 'deflate';
export const PAYLOAD_ENCODINGS: readonly PayloadEncoding[] = ['raw', 'deflate'];

/** Reason codes for `bye`. Numbers on the wire; unknown numbers from newer peers are kept as-is. */
export const ByeCode = {
  normal: 0,
  shutdown: 1,
  protocolError: 2,
  tooManyErrors: 3,
  duplicateConnection: 4,
  poolFull: 5,
  versionMismatch: 6,
  livenessTimeout: 7,
  replaced: 8,
} as const;
export type ByeCode = (typeof ByeCode)[keyof typeof ByeCode];

/** A peer-exchange record: who a peer is and where it can be reached. */
export interface PeerRecord {
  id: PeerId;
  role: Role;
  /** Dialable addresses, e.g. `tcp://127.0.0.1:7000`, `room:lobby` (WebRTC via signaling). */
  addrs: string[];
  /** Milliseconds since the sender last heard from this peer (relative, so clocks need not agree). */
  age: number;
}

/** Membership operations carried by `peers` frames (HyParView's shuffle and forward-join). */
export type PeersOp = 'exchange' | 'shuffle' | 'shuffle-reply' | 'forward-join';
export const PEERS_OPS: readonly PeersOp[] = ['exchange', 'shuffle', 'shuffle-reply', 'forward-join'];

/** Active-view negotiation (HyParView NEIGHBOR). */
export type NeighborOp = 'request-high' | 'request-low' | 'accept' | 'reject';
export const NEIGHBOR_OPS: readonly NeighborOp[] = ['request-high', 'request-low', 'accept', 'reject'];

// ---- mesh frames -------------------------------------------------------------------------------

export interface HelloFrame {
  kind: 'hello';
  peerId: PeerId;
  /** The sender's protocol version (major). */
  version: number;
  role: Role;
  /** Feature flags, e.g. 'deflate', 'plumtree'. Unknown ones are ignored. */
  capabilities: string[];
}

export interface PingFrame {
  kind: 'ping';
  nonce: number;
  /** Sender's clock in ms, echoed back in pong for RTT. */
  time: number;
}

export interface PongFrame {
  kind: 'pong';
  nonce: number;
  time: number;
}

export interface MsgFrame {
  kind: 'msg';
  id: MessageId;
  origin: PeerId;
  seq: number;
  hops: number;
  priority: Priority;
  route: Route;
  encoding: PayloadEncoding;
  payload: Uint8Array;
  signature?: Uint8Array;
}

/** Lazy push: "I have these ids" (Plumtree IHAVE). */
export interface IHaveFrame {
  kind: 'ihave';
  ids: MessageId[];
}

/** Pull on demand: "send me these ids". */
export interface IWantFrame {
  kind: 'iwant';
  ids: MessageId[];
}

/** Anti-entropy pull: "these are the ids I have seen recently; send what I lack". */
export interface DigestFrame {
  kind: 'digest';
  ids: MessageId[];
}

/** Plumtree PRUNE: move the sender to the receiver's lazy set. */
export interface PruneFrame {
  kind: 'prune';
}

/** Plumtree GRAFT: move the sender to the receiver's eager set and send these ids. */
export interface GraftFrame {
  kind: 'graft';
  ids: MessageId[];
}

export interface PeersFrame {
  kind: 'peers';
  op: PeersOp;
  /** Hops left for forward-join / shuffle random walks. */
  ttl: number;
  /** The peer a walk started from (empty for exchange). */
  origin: PeerId;
  records: PeerRecord[];
}

export interface NeighborFrame {
  kind: 'neighbor';
  op: NeighborOp;
}

/** Failure consensus: "can you reach `target`?" */
export interface QueryFrame {
  kind: 'query';
  qid: number;
  target: PeerId;
}

export interface AnswerFrame {
  kind: 'answer';
  qid: number;
  target: PeerId;
  reachable: boolean;
}

/** Relay-mode announcement, flooded through the mesh; the highest epoch wins. */
export interface ModeFrame {
  kind: 'mode';
  mode: RelayMode;
  epoch: number;
  origin: PeerId;
}

export interface ByeFrame {
  kind: 'bye';
  code: number;
  reason: string;
}

// ---- signaling frames (client <-> signaling server) ---------------------------------------------

export interface JoinFrame {
  kind: 'join';
  room: string;
  peerId: PeerId;
  role: Role;
  /** Per-room shared secret, when the server requires one ('' otherwise). */
  secret: string;
}

export interface JoinedFrame {
  kind: 'joined';
  room: string;
  peerId: PeerId;
  peers: PeerId[];
}

export interface PeerJoinedFrame {
  kind: 'peer-joined';
  room: string;
  peerId: PeerId;
}

export interface PeerLeftFrame {
  kind: 'peer-left';
  room: string;
  peerId: PeerId;
}

export interface LeaveFrame {
  kind: 'leave';
  room: string;
}

/** A relayed signal (SDP/ICE). Clients set `to`; the server stamps `from` (clients cannot spoof it). */
export interface SignalFrame {
  kind: 'signal';
  room: string;
  from: PeerId;
  to: PeerId;
  /** Opaque signal data, in practice JSON text of simple-peer's signal object. */
  data: string;
}

export interface ErrorFrame {
  kind: 'error';
  code: string;
  message: string;
  /** The peer the error is about, when there is one (unknown_peer: the signal's target). Trailing, optional. */
  peerId?: PeerId;
}

export type MeshFrame =
  | HelloFrame
  | PingFrame
  | PongFrame
  | MsgFrame
  | IHaveFrame
  | IWantFrame
  | DigestFrame
  | PruneFrame
  | GraftFrame
  | PeersFrame
  | NeighborFrame
  | QueryFrame
  | AnswerFrame
  | ModeFrame
  | ByeFrame;

export type SignalingFrame =
  | JoinFrame
  | JoinedFrame
  | PeerJoinedFrame
  | PeerLeftFrame
  | LeaveFrame
  | SignalFrame
  | ErrorFrame;

export type Frame = MeshFrame | SignalingFrame;
export type FrameKind = Frame['kind'];
export type FrameOf<K extends FrameKind> = Extract<Frame, { kind: K }>;

/**
 * Kind numbers on the wire. Append only: a number is never reused. Numbers a decoder does not know
 * raise WireError('unknown_kind') so peers of two versions coexist (the receiver skips the frame).
 */
export const KIND_CODES: { readonly [K in FrameKind]: number } = {
  hello: 1,
  ping: 2,
  pong: 3,
  msg: 4,
  ihave: 5,
  iwant: 6,
  digest: 7,
  prune: 8,
  graft: 9,
  peers: 10,
  neighbor: 11,
  query: 12,
  answer: 13,
  mode: 14,
  bye: 15,
  join: 32,
  joined: 33,
  'peer-joined': 34,
  'peer-left': 35,
  leave: 36,
  signal: 37,
  error: 38,
};
