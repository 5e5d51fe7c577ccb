/** join-deadlines.ts: every connection's join timeout from one timer, on fake time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JoinDeadlines } from '../../signaling-server/src/join-deadlines.js';

describe('signaling join deadlines', () => {
  let expired: string[];
  let deadlines: JoinDeadlines<string>;

  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    deadlines = new JoinDeadlines<string>(1_000, () => Date.now(), (member) => expired.push(member));
  });
  afterEach(() => {
    deadlines.clear();
    vi.useRealTimers();
  });

  it('expires each member timeoutMs after it started waiting, not before, with one timer for all', () => {
    deadlines.start('a');
    vi.advanceTimersByTime(300);
    deadlines.start('b');
    deadlines.start('c');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(699);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(299);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(deadlines.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets a member that stopped waiting, and restarts the wait of one that starts again', () => {
    deadlines.start('joins');
    deadlines.start('leaves-again');
    vi.advanceTimersByTime(500);
    deadlines.stop('joins');
    deadlines.start('leaves-again'); // it joined and left its last room: a new full wait
    vi.advanceTimersByTime(500);
    expect(expired).toEqual([]); // the timer fired for the first deadline and found nothing due
    vi.advanceTimersByTime(500);
    expect(expired).toEqual(['leaves-again']);
  });

  it('clear() drops every member and the timer', () => {
    deadlines.start('a');
    deadlines.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([]);
  });
});
