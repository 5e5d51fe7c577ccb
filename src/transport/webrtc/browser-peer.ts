/**
 * simple-peer for browsers: its prebuilt bundle. The bare `simple-peer` import needs Node polyfills
 * (`global`, `process`, streams) and breaks in a plain Vite build with "global is not defined".
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { SimplePeerFactory, SimplePeerInstance } from './simple-peer-types.js';

export const browserPeerFactory: SimplePeerFactory = (options) =>
  new SimplePeer(options) as SimplePeerInstance;
