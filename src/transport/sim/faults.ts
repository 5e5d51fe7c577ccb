/**
 * Fault bookkeeping shared by the kernel and the SimNetwork facade: active partitions and the fault
 * timeline tests read back.
 */
import type { PeerId } from '../../wire/frames.js';

/**
 * Active partitions. Each partition(groupA, groupB) cuts every pair across the two groups (in both
 * directions); partitions stack until heal() removes them all.
 */
export class Partitions {
  private cuts: { a: Set<PeerId>; b: Set<PeerId> }[] = [];

  get active(): boolean {
    return this.cuts.length > 0;
  }

  add(groupA: readonly PeerId[], groupB: readonly PeerId[]): void {
    this.cuts.push({ a: new Set(groupA), b: new Set(groupB) });
  }

  clear(): void {
    this.cuts = [];
  }

  /** Whether traffic between `x` and `y` is cut (symmetric). */
  blocked(x: PeerId, y: PeerId): boolean {
    for (const cut of this.cuts) {
      if ((cut.a.has(x) && cut.b.has(y)) || (cut.b.has(x) && cut.a.has(y))) return true;
    }
    return false;
  }
}
