/**
 * Mode switches: local and announced, concurrent announcers, stale and spammed announcements, mixed
 * meshes, and the exactly-once property across random switch schedules (fast-check over small meshes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageRelay } from '../../src/relay/message-relay.js';
import type { ModeChange } from '../../src/relay/message-relay.js';
import { RELAY_MODES } from '../../src/wire/frames.js';
import type { ModeFrame, Priority, RelayMode } from '../../src/wire/frames.js';
import { RelayMesh } from '../helpers/relay-harness.js';
import { recordingEnv } from '../helpers/recording-env.js';

const modeFrame = (epoch: number, origin: string, mode: RelayMode = 'gossip'): ModeFrame => ({ kind: 'mode', mode, epoch, origin });

describe('MessageRelay mode switch (single node)', () => {
  it('a local switch notifies, and the gossip rounds stop in flood mode and resume after', () => {
    const env = recordingEnv('me');
    const relay = new MessageRelay({ env, mode: 'gossip', gossip: { gossipInterval: 100 } });
    relay.addPeer('a');
    const changes: ModeChange[] = [];
    relay.onModeChanged((c) => changes.push(c));
    relay.start();
    env.clock.advance(1_000);
    const roundsBefore = relay.getStats().gossip.rounds;
    expect(roundsBefore).toBeGreaterThan(0);
    relay.setMode('flood');
    env.clock.advance(1_000);
    expect(relay.getStats().gossip.rounds).toBe(roundsBefore);
    relay.setMode('gossip-primary');
    env.clock.advance(1_000);
    expect(relay.getStats().gossip.rounds).toBeGreaterThan(roundsBefore);
    expect(changes.map((c) => [c.previous, c.mode, c.cause])).toEqual([
      ['gossip', 'flood', 'local'],
      ['flood', 'gossip-primary', 'local'],
    ]);
    expect(relay.mode).toBe('gossip-primary');
  });

  it('an announcement goes to every peer; a remote one is re-flooded to all but its sender', () => {
    const env = recordingEnv('me');
    const relay = new MessageRelay({ env, mode: 'hybrid' });
    for (const p of ['a', 'b', 'c']) relay.addPeer(p);
    relay.setMode('gossip-primary', { announce: true });
    expect(env.take().map((s) => [s.to, s.frame])).toEqual(
      ['a', 'b', 'c'].map((to) => [to, modeFrame(1, 'me', 'gossip-primary')]),
    );
    relay.receiveFrame('a', modeFrame(2, 'a', 'gossip'));
    expect(relay.mode).toBe('gossip');
    expect(env.take().map((s) => s.to)).toEqual(['b', 'c']);
    // Stale and duplicate announcements change nothing and are not forwarded.
    relay.receiveFrame('b', modeFrame(1, 'zz', 'flood'));
    relay.receiveFrame('c', modeFrame(2, 'a', 'gossip'));
    expect(relay.mode).toBe('gossip');
    expect(env.take()).toEqual([]);
    expect(relay.getStats().modeAnnounce).toMatchObject({ stale: 1, duplicate: 1 });
  });

  it('ModeFrame spam is bounded: O(1) state, accepted and re-flooded at most burst times', () => {
    const env = recordingEnv('me');
    const burst = 5;
    const relay = new MessageRelay({ env, mode: 'hybrid', modeAnnounce: { burst, refillMs: 60_000 } });
    for (const p of ['a', 'b', 'c']) relay.addPeer(p);
    for (let i = 1; i <= 5_000; i++) relay.receiveFrame('a', modeFrame(i, 'spammer', RELAY_MODES[i % 4] as RelayMode));
    const stats = relay.getStats();
    expect(stats.modeAnnounce.accepted).toBe(burst);
    // The rest: refused by the bucket, or (past maxEpochStep above the current epoch) as an epoch jump.
    expect(stats.modeAnnounce.rateLimited + stats.modeAnnounce.epochJump).toBe(5_000 - burst);
    expect(stats.modeAnnounce.rateLimited).toBeGreaterThan(0);
    expect(env.take()).toHaveLength(burst * 2);
    expect(stats.modeChanges).toBeLessThanOrEqual(burst);
  });

  it('a new link learns the current announcement', () => {
    const env = recordingEnv('me');
    const relay = new MessageRelay({ env });
    relay.addPeer('a');
    expect(env.take()).toEqual([]); // nothing announced yet: nothing to tell
    relay.receiveFrame('a', modeFrame(3, 'a', 'flood'));
    // A later local switch is this node's own business: the new link learns the mesh's announcement.
    relay.setMode('gossip');
    relay.addPeer('late');
    expect(env.take()).toContainEqual({ to: 'late', frame: modeFrame(3, 'a', 'flood') });
  });
});

describe('MessageRelay mode switch in a mesh', () => {
  it('an announced switch reaches every node once, with the same (epoch, origin) everywhere', () => {
    const mesh = new RelayMesh({ nodes: 40, degree: 4, seed: 5, mode: 'hybrid', loss: 0.02 });
    const changes = new Map<string, ModeChange[]>();
    for (const id of mesh.ids) mesh.relay(id).onModeChanged((c) => changes.set(id, [...(changes.get(id) ?? []), c]));
    mesh.relay('n3').setMode('gossip', { announce: true });
    mesh.runFor(5_000);
    for (const id of mesh.ids) {
      expect(mesh.relay(id).mode).toBe('gossip');
      expect(mesh.relay(id).modeEpoch).toEqual({ epoch: 1, origin: 'n3' });
      expect(changes.get(id)).toHaveLength(1);
      expect(changes.get(id)?.[0]?.cause).toBe(id === 'n3' ? 'announce' : 'remote');
    }
  });

  it('concurrent announcers: the whole mesh settles on the highest (epoch, origin)', () => {
    const mesh = new RelayMesh({ nodes: 40, degree: 4, seed: 6, mode: 'hybrid' });
    mesh.relay('n1').setMode('flood', { announce: true });
    mesh.relay('n29').setMode('gossip', { announce: true });
    mesh.relay('n7').setMode('gossip-primary', { announce: true });
    mesh.runFor(5_000);
    // All at epoch 1: the origin decides ('n7' > 'n29' > 'n1' as strings).
    for (const id of mesh.ids) expect([mesh.relay(id).mode, mesh.relay(id).modeEpoch]).toEqual(['gossip-primary', { epoch: 1, origin: 'n7' }]);
  });

  it('a mesh with nodes in different modes still delivers every message exactly once', () => {
    const mesh = new RelayMesh({ nodes: 40, degree: 4, seed: 8, mode: 'gossip' });
    mesh.ids.forEach((id, i) => mesh.relay(id).setMode(RELAY_MODES[i % 4] as RelayMode));
    for (let i = 0; i < 10; i++) {
      mesh.broadcast(mesh.ids[(i * 11) % 40] as string, new Uint8Array(32), i % 3 === 0 ? 'critical' : 'normal');
      mesh.runFor(150);
    }
    mesh.runFor(20_000);
    expect(mesh.notExactlyOnce()).toEqual([]);
  });
});

type Step =
  | { op: 'broadcast'; node: number; priority: Priority }
  | { op: 'switch'; node: number; mode: RelayMode; announce: boolean }
  | { op: 'run'; ms: number };

function stepArb(modes: readonly RelayMode[], nodes: number): fc.Arbitrary<Step> {
  return fc.oneof(
    fc.record({
      op: fc.constant('broadcast' as const),
      node: fc.nat(nodes - 1),
      priority: fc.constantFrom<Priority>('normal', 'immediate', 'critical'),
    }),
    fc.record({ op: fc.constant('switch' as const), node: fc.nat(nodes - 1), mode: fc.constantFrom(...modes), announce: fc.boolean() }),
    fc.record({ op: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 400 }) }),
  );
}

function runSchedule(steps: Step[], opts: { seed: number; loss: number; startMode: RelayMode; nodes: number }): RelayMesh {
  const mesh = new RelayMesh({ nodes: opts.nodes, degree: 3, seed: opts.seed, mode: opts.startMode, loss: opts.loss, connectMs: 500 });
  for (const step of steps) {
    if (step.op === 'broadcast') mesh.broadcast(mesh.ids[step.node] as string, new Uint8Array([step.node]), step.priority);
    else if (step.op === 'switch') mesh.relay(mesh.ids[step.node] as string).setMode(step.mode, { announce: step.announce });
    else mesh.runFor(step.ms);
  }
  return mesh;
}

describe('exactly-once across random mode-switch schedules (property)', () => {
  it('no loss, any modes: every node delivers every message exactly once', () => {
    const nodes = 10;
    fc.assert(
      fc.property(
        fc.array(stepArb(RELAY_MODES, nodes), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...RELAY_MODES),
        fc.nat(1_000),
        (steps, startMode, seed) => {
          const mesh = runSchedule(steps, { seed, loss: 0, startMode, nodes });
          mesh.runFor(15_000);
          expect(mesh.notExactlyOnce()).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('5% loss, gossip-based modes: exactly once after anti-entropy', () => {
    const nodes = 10;
    const gossipModes: RelayMode[] = ['hybrid', 'gossip-primary', 'gossip'];
    fc.assert(
      fc.property(
        fc.array(stepArb(gossipModes, nodes), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...gossipModes),
        fc.nat(1_000),
        (steps, startMode, seed) => {
          const mesh = runSchedule(steps, { seed, loss: 0.05, startMode, nodes });
          mesh.runFor(30_000);
          expect(mesh.notExactlyOnce()).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
