import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { MESSAGE_ID_BYTES } from '../../src/wire/limits.js';
import {
  MessageIdFactory,
  fnv1a64,
  keyToMessageId,
  messageIdToKey,
  originHash,
  parseMessageId,
} from '../../src/wire/ids.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('message ids', () => {
  it('FNV-1a 64 matches the published test vectors', () => {
    expect(hex(fnv1a64(new Uint8Array()))).toBe('cbf29ce484222325');
    expect(hex(fnv1a64(new TextEncoder().encode('a')))).toBe('af63dc4c8601ec8c');
    expect(hex(fnv1a64(new TextEncoder().encode('foobar')))).toBe('85944171f73967e8');
  });

  it('is origin hash ‖ session nonce ‖ seq, seq counting from 0', () => {
    const f = new MessageIdFactory('alice', 0xdeadbeef);
    const a = f.next();
    const b = f.next();
    expect(a.id.length).toBe(MESSAGE_ID_BYTES);
    expect(hex(a.id)).toBe(hex(originHash('alice')) + 'deadbeef' + '00000000');
    expect(b.seq).toBe(1);
    expect(parseMessageId(b.id)).toEqual({ originHash: originHash('alice'), sessionNonce: 0xdeadbeef, seq: 1 });
  });

  it('never repeats across origins, sessions and a seq wrap', () => {
    const random = new SeededRandom(11);
    const seen = new Set<string>();
    let n = 0;
    for (const origin of ['alice', 'bob', 'carol', 'a', 'b']) {
      for (let session = 0; session < 4; session++) {
        const f = new MessageIdFactory(origin, random.nextU32());
        for (let i = 0; i < 500; i++, n++) seen.add(messageIdToKey(f.next().id));
      }
    }
    const f = new MessageIdFactory('alice', 7);
    (f as unknown as { seq: number }).seq = 0xfffffffe;
    for (let i = 0; i < 4; i++, n++) seen.add(messageIdToKey(f.next().id));
    expect(f.sessionNonce).toBe(8);
    expect(seen.size).toBe(n);
  });

  it('keys are 32 hex digits and round-trip', () => {
    const id = new MessageIdFactory('zoë', 1).next().id;
    const key = messageIdToKey(id);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).toBe(hex(id));
    expect(keyToMessageId(key)).toEqual(id);
    expect(keyToMessageId(key.toUpperCase())).toEqual(id);
    expect(() => keyToMessageId('zz' + key.slice(2))).toThrow(RangeError);
    expect(() => keyToMessageId(key.slice(1))).toThrow(RangeError);
    expect(() => messageIdToKey(new Uint8Array(15))).toThrow(RangeError);
  });
});
