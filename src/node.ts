/**
 * meshcast/node — everything from the browser entry plus the Node-only pieces: TCP (with TLS), WebRTC
 * through @roamhq/wrtc, the file seen-store, the signaling server. Its createMeshNode adds TCP options.
 */
export * from './index.js';
export { createMeshNode } from './node/create-node.js';
export type { NodeMeshOptions, NodeMeshNode } from './node/create-node.js';
export * from './transport/tcp/index.js';
export * from './node/file-seen-store.js';
export { nodePeerFactory, loadWrtc } from './node/webrtc-peer.js';
export * from '../signaling-server/src/index.js';
