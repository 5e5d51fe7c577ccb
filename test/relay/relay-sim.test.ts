/**
 * The simulator scenario, in each mode: N = 200 (degree 8), 2% loss on every link, and 10% of
 * the nodes crashed mid-run (they stay down). Broadcasts come from live nodes before, during and after
 * the crashes, then the run continues long enough for anti-entropy to finish.
 *
 * - hybrid, gossip-primary, gossip: every live node delivers every message exactly once.
 * - flood: flood has no repair, so it cannot promise delivery under loss (a node whose every incoming
 *   copy was lost never gets the message). What it does guarantee, and what is asserted: never more than
 *   one delivery per node and message, under loss and crashes; and with the same crashes but no loss,
 *   every live node still connected to the origin (through live nodes) gets every message.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { RELAY_MODES } from '../../src/wire/frames.js';
import type { PeerId, RelayMode } from '../../src/wire/frames.js';
import { RelayMesh } from '../helpers/relay-harness.js';

const N = 200;
const DEGREE = 8;
const MESSAGES = 40;
const SPACING_MS = 150;
const CRASH_FRACTION = 0.1;
/** Long enough for the last message's repair: several gossip rounds past the anti-entropy window. */
const SETTLE_MS = 30_000;

function scenario(mode: RelayMode, loss: number, seed = 2024, onStep?: (i: number, mesh: RelayMesh) => void): RelayMesh {
  const mesh = new RelayMesh({ nodes: N, degree: DEGREE, seed, mode, loss });
  const random = new SeededRandom(seed).fork('scenario');
  const victims = new Set<PeerId>();
  while (victims.size < N * CRASH_FRACTION) victims.add(mesh.ids[random.int(N)] as PeerId);
  for (let i = 0; i < MESSAGES; i++) {
    // Crash the victims a few at a time in the middle third of the run.
    if (i >= MESSAGES / 3 && i < (2 * MESSAGES) / 3) {
      const batch = [...victims].filter((id) => mesh.net.node(id).alive).slice(0, 3);
      for (const id of batch) mesh.crash(id);
    }
    onStep?.(i, mesh);
    const live = mesh.live();
    const priority = i % 5 === 0 ? 'critical' : i % 5 === 1 ? 'immediate' : 'normal';
    mesh.broadcast(live[random.int(live.length)] as PeerId, random.bytes(256), priority);
    mesh.runFor(SPACING_MS);
  }
  for (const id of victims) mesh.crash(id);
  mesh.runFor(SETTLE_MS);
  return mesh;
}

/** Live nodes reachable from `origin` through live nodes only. */
function liveComponent(mesh: RelayMesh, origin: PeerId): Set<PeerId> {
  const index = (id: PeerId): number => Number(id.slice(1));
  const seen = new Set<PeerId>([origin]);
  const queue = [origin];
  while (queue.length > 0) {
    const id = queue.pop() as PeerId;
    for (const j of mesh.graph[index(id)] ?? []) {
      const next = mesh.ids[j] as PeerId;
      if (!seen.has(next) && mesh.net.node(next).alive) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe(`relay at N = ${N}, 2% loss, ${CRASH_FRACTION * 100}% crashed mid-run`, () => {
  for (const mode of RELAY_MODES.filter((m) => m !== 'flood')) {
    it(`${mode}: every live node delivers every message exactly once after anti-entropy`, () => {
      const mesh = scenario(mode, 0.02);
      expect(mesh.live()).toHaveLength(N - N * CRASH_FRACTION);
      expect(mesh.published.size).toBe(MESSAGES);
      expect(mesh.notExactlyOnce()).toEqual([]);
      expect(mesh.duplicateDeliveries()).toEqual([]);
    });
  }

  it('the seed migration announced mid-run (hybrid → gossip-primary → gossip): exactly once', () => {
    const mesh = scenario('hybrid', 0.02, 7, (i, m) => {
      const live = m.live();
      if (i === 10) m.relay(live[0] as PeerId).setMode('gossip-primary', { announce: true });
      if (i === 25) m.relay(live[live.length - 1] as PeerId).setMode('gossip', { announce: true });
    });
    for (const id of mesh.live()) expect(mesh.relay(id).mode).toBe('gossip');
    expect(mesh.notExactlyOnce()).toEqual([]);
  });

  it('flood: never a duplicate delivery under loss and crashes', () => {
    const mesh = scenario('flood', 0.02);
    expect(mesh.duplicateDeliveries()).toEqual([]);
    // Whatever flood delivered, it delivered once: every pair is 0 or 1.
    expect(mesh.notExactlyOnce().every(([, , n]) => n === 0)).toBe(true);
  });

  it('flood: without loss, every live node connected to the origin gets every message once', () => {
    const mesh = scenario('flood', 0);
    const misses: Array<[PeerId, string]> = [];
    for (const [key, { origin }] of mesh.published) {
      for (const node of liveComponent(mesh, origin)) {
        if (node !== origin && mesh.count(node, key) !== 1) misses.push([node, key]);
      }
    }
    expect(misses).toEqual([]);
  });
});
