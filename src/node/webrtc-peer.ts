/**
 * simple-peer for Node: the `simple-peer` package with @roamhq/wrtc as its WebRTC implementation, so a
 * Node peer can join a browser room. wrtc is an optional dependency: loading it fails with a clear
 * message when it is not installed.
 */
import { createRequire } from 'node:module';
import SimplePeer from 'simple-peer';
import type { SimplePeerFactory, SimplePeerInstance } from '../transport/webrtc/simple-peer-types.js';

const require = createRequire(import.meta.url);

/** Loads @roamhq/wrtc, or throws an Error that says how to install it. */
export function loadWrtc(): unknown {
  try {
    return require('@roamhq/wrtc');
  } catch (err) {
    throw new Error(
      `meshcast: WebRTC in Node needs the optional dependency @roamhq/wrtc (npm install @roamhq/wrtc): ${(err as Error).message}`,
    );
  }
}

export function nodePeerFactory(wrtc: unknown = loadWrtc()): SimplePeerFactory {
  return (options) => new SimplePeer({ ...options, wrtc } as SimplePeer.Options) as unknown as SimplePeerInstance;
}
