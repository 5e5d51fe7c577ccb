/**
 * meshcast/node — everything from the browser entry plus the Node-only pieces.
 */
export * from './index.js';
