/**
 * meshcast — the browser-safe entry. Nothing here imports node:* modules; Node-only pieces (TCP, wrtc,
 * file stores, the signaling server, the CLI) are in `meshcast/node`.
 */
export * from './wire/index.js';
export * from './core/index.js';
export * from './relay/index.js';
export * from './dedup/index.js';
export * from './peers/index.js';
export * from './signaling/index.js';
export * from './transport/webrtc/index.js';
export * from './transport/sim/index.js';
export { CompositeTransport } from './transport/composite.js';
export type { RoutedTransport } from './transport/composite.js';
export * from './mesh/index.js';
