/**
 * The relay layer's public surface. (The other relay components — FloodRouter, MessageRelay — add
 * their exports here too.)
 */
export type { BroadcastOptions, DeliveredMessage, RelayEnv, RelayFrame, SeenStore } from './types.js';
export { RELAY_FRAME_KINDS, isRelayFrame } from './types.js';
export { GossipProtocol } from './gossip.js';
export type { GossipForwardHandler, GossipMessageHandler, GossipProtocolOptions } from './gossip.js';
export { DEFAULT_GOSSIP_OPTIONS, resolveGossipOptions } from './gossip-options.js';
export type { GossipOptions, GossipOptionsInput } from './gossip-options.js';
export type { GossipEnv } from './gossip-env.js';
export type { GossipCounters, GossipStats } from './gossip-stats.js';
export { DEFAULT_GOSSIP_LIMITS } from './limits.js';
export type { GossipLimits } from './limits.js';
export { adaptiveFanout, estimateNetworkSize } from './gossip-fanout.js';
export { DEFLATE_CAPABILITY, deflateRaw, inflateRaw } from './gossip-compression.js';
export { relayFrameSize } from './gossip-frame-size.js';
// ---- FloodRouter and MessageRelay ----
export { FloodRouter } from './flood.js';
export type { FloodRouterOptions, FloodStats, FloodVerdict, FloodMessageHandler } from './flood.js';
export { MessageRelay, DEFAULT_RELAY_MODE, floodsIn, gossipsIn } from './message-relay.js';
export type {
  MessageRelayEvents,
  MessageRelayOptions,
  MessageRelayStats,
  ModeChange,
  SetModeOptions,
} from './message-relay.js';
export { ModeAnnouncer, compareModeVersion } from './mode-announcer.js';
export type { ModeAnnouncerStats, ModeVerdict } from './mode-announcer.js';
export type { ModeCounters, PerModeCounters } from './relay-stats.js';
export { DEFAULT_FLOOD_HOP_LIMIT, DEFAULT_MODE_ANNOUNCE_LIMITS } from './limits.js';
export type { ModeAnnounceLimits } from './limits.js';
