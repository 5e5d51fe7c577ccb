import { describe, expect, it } from 'vitest';
import { NO_BUGGIFY } from '../../src/core/buggify.js';
import { SimNetwork } from '../../src/transport/sim/index.js';

const SITES = Array.from({ length: 400 }, (_, i) => `site-${i}`);

describe('buggify in the simulator', () => {
  it('activates each site once per seed with the configured probability, independent of call order', () => {
    const a = new SimNetwork({ seed: 42 });
    const b = new SimNetwork({ seed: 42 });
    const activeA = SITES.filter((s) => a.buggifyActive(s));
    const activeB = [...SITES].reverse().filter((s) => b.buggifyActive(s)).reverse();
    expect(activeA).toEqual(activeB);
    expect(activeA.length).toBeGreaterThan(70); // 25% of 400 = 100
    expect(activeA.length).toBeLessThan(130);
    const other = SITES.filter((s) => new SimNetwork({ seed: 43 }).buggifyActive(s));
    expect(other).not.toEqual(activeA);
  });

  it('an inactive site never fires; an active one fires with its probability and lands on the fault timeline', () => {
    const net = new SimNetwork({ seed: 7 });
    const active = SITES.find((s) => net.buggifyActive(s)) as string;
    const inactive = SITES.find((s) => !net.buggifyActive(s)) as string;
    let fired = 0;
    for (let i = 0; i < 2000; i++) {
      expect(net.buggify(inactive, 1)).toBe(false);
      if (net.buggify(active, 0.3)) fired++;
    }
    expect(fired).toBeGreaterThan(500);
    expect(fired).toBeLessThan(700);
    const firings = net.faults().filter((f) => f.type === 'buggify');
    expect(firings).toHaveLength(fired);
    expect(firings.every((f) => f.detail === active)).toBe(true);
    expect(net.stats().buggifyFired).toBe(fired);
  });

  it('buggifyActivation 1 activates every site, 0 none', () => {
    const all = new SimNetwork({ seed: 1, buggifyActivation: 1 });
    const none = new SimNetwork({ seed: 1, buggifyActivation: 0 });
    expect(SITES.every((s) => all.buggifyActive(s))).toBe(true);
    expect(SITES.some((s) => none.buggifyActive(s) || none.buggify(s, 1))).toBe(false);
  });

  it('node.buggify is bound to the network and tags firings with the node', () => {
    const net = new SimNetwork({ seed: 3, buggifyActivation: 1 });
    const node = net.addNode('n1');
    expect(node.buggify('x', 1)).toBe(true);
    expect(net.faults()).toEqual([{ at: 0, type: 'buggify', nodes: ['n1'], detail: 'x' }]);
  });

  it('outside the simulator NO_BUGGIFY never fires, whatever the site or probability', () => {
    for (const site of SITES) {
      expect(NO_BUGGIFY(site)).toBe(false);
      expect(NO_BUGGIFY(site, 1)).toBe(false);
    }
  });
});
