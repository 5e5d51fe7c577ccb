/**
 * Cache entries are pooled (an evicted entry is reused for the next message). A forward handler may
 * re-enter a node synchronously — two GossipProtocols wired to each other in memory, with an application
 * that answers each message by broadcasting — and evict the very entry being relayed. The message must
 * still be delivered once, as itself.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { GossipProtocol } from '../../src/relay/gossip.js';
import type { RelayFrame } from '../../src/relay/types.js';
import { ManualClock } from '../helpers/manual-clock.js';

const text = new TextDecoder();
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('gossip re-entered from a forward handler', () => {
  it('delivers the message it was handling although a nested broadcast recycled its cache entry', () => {
    const clock = new ManualClock(1_000_000);
    const make = (id: string): GossipProtocol =>
      new GossipProtocol({ env: { localId: id, clock, random: new SeededRandom(id) }, limits: { maxCachedMessages: 1 } });
    const a = make('a');
    const b = make('b');
    const nodes: Record<string, GossipProtocol> = { a, b };
    for (const [id, node] of Object.entries(nodes)) {
      node.onForward((frame: RelayFrame, to: string[]) => {
        for (const t of to) nodes[t]?.receiveMessage(frame, id);
      });
    }
    a.addPeer('b');
    a.addPeer('x');
    b.addPeer('a');
    const atA: string[] = [];
    a.onMessage((m) => atA.push(text.decode(m.payload)));
    b.onMessage((m) => {
      if (text.decode(m.payload) === 'M') b.broadcast(bytes('ack'));
    });
    const id = new Uint8Array(16);
    id[15] = 9;
    const isNew = a.receiveMessage(
      { kind: 'msg', id, origin: 'o', seq: 1, hops: 0, priority: 'normal', route: 'push', encoding: 'raw', payload: bytes('M') },
      'x',
    );
    expect(isNew).toBe(true);
    expect(atA.sort()).toEqual(['M', 'ack']);
  });
});
