import { describe, expect, it } from 'vitest';
import { NO_BUGGIFY } from '../../src/core/buggify.js';

describe('NO_BUGGIFY (outside the simulator)', () => {
  it('is always false', () => {
    for (const site of ['', 'drop-frame', 'slow-path', 'x'.repeat(1000)]) {
      for (const p of [undefined, 0, 0.5, 1, 2]) expect(NO_BUGGIFY(site, p)).toBe(false);
    }
  });
});
