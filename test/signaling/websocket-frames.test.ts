/** The server's frame writer and checks (signaling-server/src/websocket/frames.ts, handshake.ts), as bytes. */
import { describe, expect, it } from 'vitest';
import { MAX_CLOSE_REASON_BYTES, Opcode, closeFrame, frame, isValidCloseCode, unmask } from '../../signaling-server/src/websocket/frames.js';
import { acceptValue } from '../../signaling-server/src/websocket/handshake.js';

describe('WebSocket frames (server side)', () => {
  it.each([
    [0, 2, 0],
    [125, 2, 125],
    [126, 4, 126],
    [65_535, 4, 126],
    [65_536, 10, 127],
  ])('a %d-byte payload gets a %d-byte header (length code %d), final and unmasked', (size, header, code) => {
    const payload = new Uint8Array(size).fill(7);
    const bytes = frame(Opcode.binary, payload);
    expect(bytes.length).toBe(header + size);
    expect(bytes[0]).toBe(0x82); // FIN + binary, no RSV bits
    expect(bytes[1]).toBe(code); // mask bit clear
    if (header === 4) expect(bytes.readUInt16BE(2)).toBe(size);
    if (header === 10) expect(bytes.readBigUInt64BE(2)).toBe(BigInt(size));
    expect(bytes.subarray(header).every((b) => b === 7)).toBe(true);
  });

  it('cuts a close reason to what a control frame holds, on a character boundary', () => {
    const bytes = closeFrame(1008, 'é'.repeat(100)); // 200 bytes of UTF-8
    expect(bytes[1]).toBeLessThanOrEqual(125);
    expect(bytes.readUInt16BE(2)).toBe(1008);
    const reason = bytes.subarray(4).toString('utf8');
    expect(reason).toBe('é'.repeat(Math.floor(MAX_CLOSE_REASON_BYTES / 2)));
    expect(closeFrame(1000, 'ok').subarray(4).toString()).toBe('ok');
  });

  it('accepts the close codes an endpoint may send and no others', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]) {
      expect(isValidCloseCode(code)).toBe(true);
    }
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]) expect(isValidCloseCode(code)).toBe(false);
  });

  it('unmasks in place with the 4-byte key, repeating it', () => {
    const data = Buffer.from([1, 2, 3, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]); // key at 0..3, payload after
    unmask(data, 4, 9, data, 0);
    expect([...data.subarray(4)]).toEqual([0xaa ^ 1, 0xbb ^ 2, 0xcc ^ 3, 0xdd ^ 4, 0xee ^ 1]);
  });

  it('computes Sec-WebSocket-Accept as in RFC 6455 §1.3', () => {
    expect(acceptValue('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});
