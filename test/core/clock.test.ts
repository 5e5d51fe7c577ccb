import { describe, expect, it } from 'vitest';
import { RealClock } from '../../src/core/clock.js';

describe('RealClock', () => {
  it('fires a timer after its delay on the host clock, and now() advances', async () => {
    const clock = new RealClock();
    const start = clock.now();
    const firedAt = await new Promise<number>((resolve) => clock.setTimer(20, () => resolve(clock.now())));
    expect(firedAt - start).toBeGreaterThanOrEqual(15); // host timers may round a little
  });

  it('cancelTimer stops a pending timer; a negative delay fires as soon as possible', async () => {
    const clock = new RealClock();
    let cancelledFired = false;
    const handle = clock.setTimer(5, () => (cancelledFired = true));
    clock.cancelTimer(handle);
    await new Promise<void>((resolve) => clock.setTimer(-10, resolve));
    await new Promise<void>((resolve) => clock.setTimer(30, resolve));
    expect(cancelledFired).toBe(false);
  });
});
