/**
 * The simulator's buggify. Whether a site is active is a pure function of (seed, site) — decided once
 * per seed, independent of which site happens to be asked first — so a seed always exercises the same
 * set of rare paths. An active site then fires with its probability, drawn from a stream of its own.
 */
import { SeededRandom, type Random } from '../../core/random.js';

export class BuggifySites {
  private readonly active = new Map<string, boolean>();
  private readonly firing: Random;

  constructor(
    private readonly seed: number,
    private readonly activation: number,
  ) {
    this.firing = new SeededRandom(`${seed}/buggify-fire`);
  }

  isActive(site: string): boolean {
    let on = this.active.get(site);
    if (on === undefined) {
      on = new SeededRandom(`${this.seed}/buggify/${site}`).next() < this.activation;
      this.active.set(site, on);
    }
    return on;
  }

  /** Whether `site` fires now. */
  fires(site: string, probability: number): boolean {
    return this.isActive(site) && this.firing.next() < probability;
  }
}
