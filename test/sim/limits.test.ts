import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/transport/sim/index.js';
import { DEFAULT_FAULT_KEEP, DEFAULT_TRACE_KEEP } from '../../src/transport/sim/limits.js';

describe('simulator limits', () => {
  it('the fault timeline keeps the last faultKeep entries and counts the rest', () => {
    const net = new SimNetwork({ seed: 1, faultKeep: 10, buggifyActivation: 1 });
    net.addNode('a');
    for (let i = 0; i < 35; i++) net.freeze('a', 1);
    const faults = net.faults();
    expect(faults).toHaveLength(10);
    expect(faults.every((f) => f.type === 'freeze')).toBe(true);
    expect(net.stats().faultsForgotten).toBe(25);
    // Still bounded after many more.
    for (let i = 0; i < 1000; i++) net.buggify('site', 1);
    expect(net.faults()).toHaveLength(10);
    expect(net.faults().at(-1)?.type).toBe('buggify');
    expect(net.stats().faultsForgotten).toBe(1025);
  });

  it('defaults are generous enough for tests to read whole runs', () => {
    expect(DEFAULT_TRACE_KEEP).toBeGreaterThanOrEqual(1000);
    expect(DEFAULT_FAULT_KEEP).toBeGreaterThanOrEqual(DEFAULT_TRACE_KEEP);
    const net = new SimNetwork({ seed: 1 });
    net.addNode('a');
    for (let i = 0; i < DEFAULT_TRACE_KEEP + 5; i++) net.node('a').clock.setTimer(i, () => undefined);
    net.runFor(DEFAULT_TRACE_KEEP + 5);
    expect(net.trace()).toHaveLength(DEFAULT_TRACE_KEEP);
    expect(net.stats().traceEntries).toBe(DEFAULT_TRACE_KEEP + 5);
  });
});
