/**
 * meshcast — the browser-safe entry. Nothing here imports node:* modules; Node-only pieces (TCP, wrtc,
 * file stores, the CLI) are in `meshcast/node`.
 */
export * from './wire/index.js';
export * from './core/index.js';
