export * from './frames.js';
export * from './errors.js';
export * from './limits.js';
