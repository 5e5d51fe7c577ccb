/**
 * FoundationDB-style fault injection points. Protocol code asks `buggify('site', p)` at places where a
 * rare path should be exercised; outside the simulator the injected Buggify is NO_BUGGIFY, which is
 * always false. The simulator supplies one that activates each site once per seed (25% by default)
 * and, when active, fires with the given probability.
 */
export type Buggify = (site: string, probability?: number) => boolean;

export const NO_BUGGIFY: Buggify = () => false;
