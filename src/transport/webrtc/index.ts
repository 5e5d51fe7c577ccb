export { WebRtcTransport } from './webrtc-transport.js';
export type { SignalChannel, WebRtcTransportOptions, WebRtcStats } from './webrtc-transport.js';
export { DEFAULT_WEBRTC_LIMITS } from './limits.js';
export type { WebRtcLimits } from './limits.js';
export type { SimplePeerFactory, SimplePeerInstance, SimplePeerOptions } from './simple-peer-types.js';
