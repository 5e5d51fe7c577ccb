export { createMeshNode } from './create.js';
export { MeshNode, PEER_EVENTS } from './mesh-node.js';
export type { MeshNodeEvents, MeshNodeParts, MeshStats } from './mesh-node.js';
export type { MeshNodeOptions, MeshMessage, MeshPeerInfo, MeshBroadcastOptions } from './types.js';
export { BootstrapDialer, DEFAULT_BOOTSTRAP_BACKOFF } from './bootstrap.js';
export { NODE_CAPABILITIES } from './setup.js';
