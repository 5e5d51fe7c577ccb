/**
 * What the gossip needs from its host, and the defaults for a plain `new GossipProtocol()`: the host's
 * RealClock, a SeededRandom seeded from crypto.getRandomValues, and a random local id. Tests and the
 * simulator inject their own (virtual clock, seeded random); protocol code never reads the host's time
 * or randomness directly.
 */
import type { Buggify } from '../core/buggify.js';
import { RealClock, type Clock } from '../core/clock.js';
import { SeededRandom, type Random } from '../core/random.js';
import type { PeerId } from '../wire/frames.js';
import type { RelayEnv } from './types.js';

export interface GossipEnv {
  localId: PeerId;
  clock: Clock;
  random: Random;
  buggify?: Buggify;
  /**
   * Optional synchronous sender (RelayEnv's): when given, every frame also goes to send(peer, frame) for
   * each of its peers, besides the onForward handlers.
   */
  send?: RelayEnv['send'];
}

function cryptoSeed(): number {
  const words = new Uint32Array(1);
  globalThis.crypto.getRandomValues(words);
  return words[0] as number;
}

export function resolveGossipEnv(env: Partial<GossipEnv> = {}): GossipEnv {
  const random = env.random ?? new SeededRandom(cryptoSeed());
  const localId = env.localId ?? `gossip-${Array.from(random.bytes(8), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const out: GossipEnv = { localId, clock: env.clock ?? new RealClock(), random };
  if (env.buggify !== undefined) out.buggify = env.buggify;
  if (env.send !== undefined) out.send = env.send;
  return out;
}
