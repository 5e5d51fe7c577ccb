/**
 * The page of the `browser` bench (bundled by bench/browser.ts with vite's build API, loaded in two
 * Chromium tabs). It exposes `window.meshcastBench`: the same two measurements over a raw RTCDataChannel and
 * over meshcast (createMeshNode from the browser entry, WebRTC through simple-peer), driven by Playwright.
 *
 * Both sides use one application protocol, the first byte of each message being its kind:
 *   BULK  a `size`-byte message (the raw side splits it into ≤ 16 KiB data-channel messages and counts bytes
 *         to reassemble it, as meshcast's chunking does); the receiver answers each one with an ACK;
 *   ACK   lets the sender keep at most `window` messages in flight (the same end-to-end bound on both sides);
 *   PING  answered at once with a PONG of the same bytes: the round trip.
 * The raw sender also waits for bufferedamountlow when the channel holds more than 64 KiB, as any
 * well-behaved data-channel sender must (64 KiB is simple-peer's mark too, which meshcast's link uses; with
 * 1 MiB the raw channel measured 2–3× slower in this Chromium).
 */
import { createMeshNode, type MeshNode } from '../../src/index.js';

const BULK = 1;
const ACK = 2;
const PING = 3;
const PONG = 4;
const RAW_CHUNK_BYTES = 16 * 1024;
const RAW_HIGH_WATER = 64 * 1024;

/** One side's link, whichever kind: send bytes, hear bytes (whole messages). */
interface Link {
  send(bytes: Uint8Array): Promise<void>;
  onMessage: (bytes: Uint8Array) => void;
}

// ---- raw RTCDataChannel -------------------------------------------------------------------------

let pc: RTCPeerConnection | null = null;
let rawLink: (Link & { channel: RTCDataChannel }) | null = null;

function iceComplete(conn: RTCPeerConnection): Promise<void> {
  if (conn.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    conn.addEventListener('icegatheringstatechange', () => {
      if (conn.iceGatheringState === 'complete') resolve();
    });
  });
}

/** Wraps a data channel: messages of any size, chunked to ≤ 16 KiB and reassembled by length prefix. */
function wrapChannel(channel: RTCDataChannel): Link & { channel: RTCDataChannel } {
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = RAW_HIGH_WATER;
  const link: Link & { channel: RTCDataChannel } = {
    channel,
    onMessage: () => {},
    send(bytes) {
      // One message's chunks must not interleave with another's: sends queue behind each other.
      tail = tail.then(() => sendFramed(bytes));
      return tail;
    },
  };
  let tail: Promise<void> = Promise.resolve();
  const sendFramed = async (bytes: Uint8Array): Promise<void> => {
    // A 4-byte length, then the bytes, cut into ≤ 16 KiB data-channel messages.
    const framed = new Uint8Array(4 + bytes.byteLength);
    new DataView(framed.buffer).setUint32(0, bytes.byteLength);
    framed.set(bytes, 4);
    for (let at = 0; at < framed.byteLength; at += RAW_CHUNK_BYTES) {
      if (channel.bufferedAmount > RAW_HIGH_WATER) {
        await new Promise<void>((resolve) => channel.addEventListener('bufferedamountlow', () => resolve(), { once: true }));
      }
      channel.send(framed.subarray(at, Math.min(framed.byteLength, at + RAW_CHUNK_BYTES)));
    }
  };
  let pending: Uint8Array | null = null;
  let filled = 0;
  let header: Uint8Array = new Uint8Array(0);
  channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
    let chunk = new Uint8Array(event.data);
    while (chunk.byteLength > 0) {
      if (pending === null) {
        const need = 4 - header.byteLength;
        const joined = new Uint8Array(header.byteLength + Math.min(need, chunk.byteLength));
        joined.set(header);
        joined.set(chunk.subarray(0, need), header.byteLength);
        header = joined;
        chunk = chunk.subarray(Math.min(need, chunk.byteLength));
        if (header.byteLength < 4) return;
        pending = new Uint8Array(new DataView(header.buffer).getUint32(0));
        header = new Uint8Array(0);
        filled = 0;
      }
      const take = Math.min(pending.byteLength - filled, chunk.byteLength);
      pending.set(chunk.subarray(0, take), filled);
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === pending.byteLength) {
        const done = pending;
        pending = null;
        link.onMessage(done);
      }
    }
  };
  return link;
}

function channelOpen(channel: RTCDataChannel): Promise<void> {
  return channel.readyState === 'open'
    ? Promise.resolve()
    : new Promise((resolve) => channel.addEventListener('open', () => resolve(), { once: true }));
}

async function rawOffer(): Promise<string> {
  pc = new RTCPeerConnection({ iceServers: [] });
  const channel = pc.createDataChannel('bench', { ordered: true });
  rawLink = wrapChannel(channel);
  answerer(rawLink);
  await pc.setLocalDescription(await pc.createOffer());
  await iceComplete(pc);
  return JSON.stringify(pc.localDescription);
}

async function rawAnswer(offer: string): Promise<string> {
  pc = new RTCPeerConnection({ iceServers: [] });
  const gotChannel = new Promise<RTCDataChannel>((resolve) => (pc!.ondatachannel = (e) => resolve(e.channel)));
  await pc.setRemoteDescription(JSON.parse(offer) as RTCSessionDescriptionInit);
  await pc.setLocalDescription(await pc.createAnswer());
  await iceComplete(pc);
  void gotChannel.then(async (channel) => {
    rawLink = wrapChannel(channel);
    answerer(rawLink);
    await channelOpen(channel);
  });
  return JSON.stringify(pc.localDescription);
}

async function rawAccept(answer: string): Promise<void> {
  await pc!.setRemoteDescription(JSON.parse(answer) as RTCSessionDescriptionInit);
  await channelOpen(rawLink!.channel);
}

function rawReady(): boolean {
  return rawLink?.channel.readyState === 'open';
}

function rawClose(): void {
  rawLink?.channel.close();
  pc?.close();
  pc = null;
  rawLink = null;
}

// ---- meshcast -------------------------------------------------------------------------------------

let mesh: MeshNode | null = null;
let meshLink: Link | null = null;

async function meshStart(options: { room: string; signaling: string; peerId: string; mode?: string }): Promise<void> {
  mesh = createMeshNode({
    room: options.room,
    signaling: options.signaling,
    peerId: options.peerId,
    dedup: 'memory',
    ...(options.mode ? { relay: { mode: options.mode as never } } : {}),
  });
  const node = mesh;
  const link: Link = {
    onMessage: () => {},
    async send(bytes) {
      node.broadcast(bytes);
    },
  };
  node.on('message', (m) => link.onMessage(m.data));
  meshLink = link;
  answerer(link);
  await node.ready;
}

function meshConnected(): number {
  return mesh ? mesh.peers().filter((p) => p.connected).length : 0;
}

function meshStats(): object | null {
  if (!mesh) return null;
  const s = mesh.stats();
  return { mode: s.mode, sent: s.sent, delivered: s.delivered, duplicates: s.duplicates, payloadBytesOut: s.payloadBytesOut, controlBytesOut: s.controlBytesOut };
}

async function meshClose(): Promise<void> {
  await mesh?.close();
  mesh = null;
  meshLink = null;
}

// ---- the measurements (same code for both links) ---------------------------------------------------

/** The receiving side: ACK every BULK, PONG every PING (registered on every link this tab has). */
function answerer(link: Link): void {
  const ack = new Uint8Array([ACK]);
  link.onMessage = (bytes) => {
    if (bytes[0] === BULK) void link.send(ack);
    else if (bytes[0] === PING) {
      const pong = bytes.slice();
      pong[0] = PONG;
      void link.send(pong);
    } else sender?.(bytes);
  };
}

/** Where ACKs and PONGs go on the measuring side. */
let sender: ((bytes: Uint8Array) => void) | null = null;

function linkOf(kind: 'raw' | 'meshcast'): Link {
  const link = kind === 'raw' ? rawLink : meshLink;
  if (!link) throw new Error(`no ${kind} link`);
  return link;
}

/** Sends up to `count` BULK messages of `size` bytes (≤ `window` unacknowledged) for at most `ms`. */
async function throughput(kind: 'raw' | 'meshcast', size: number, count: number, window: number, ms: number): Promise<object> {
  const link = linkOf(kind);
  const payload = new Uint8Array(size);
  crypto.getRandomValues(payload.subarray(0, Math.min(size, 65536)));
  payload[0] = BULK;
  let sent = 0;
  let acked = 0;
  const start = performance.now();
  const deadline = start + ms;
  let last = start;
  await new Promise<void>((settle) => {
    let resolve = settle;
    const pump = (): void => {
      while (sent - acked < window && sent < count && performance.now() < deadline) {
        sent++;
        void link.send(payload);
      }
      if (acked === sent && (sent >= count || performance.now() >= deadline)) resolve();
    };
    sender = (bytes) => {
      if (bytes[0] !== ACK) return;
      acked++;
      last = performance.now();
      pump();
    };
    const timer = setInterval(pump, 50);
    const giveUp = setTimeout(() => resolve(), ms + 5000);
    const finished = resolve;
    resolve = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      finished();
    };
    pump();
  });
  sender = null;
  const seconds = (last - start) / 1000;
  return {
    messages: acked,
    sent,
    bytes: acked * size,
    seconds: Math.round(seconds * 1000) / 1000,
    messagesPerSecond: Math.round((acked / seconds) * 10) / 10,
    mibPerSecond: Math.round((acked * size) / 2 ** 20 / seconds * 100) / 100,
  };
}

/** `count` sequential round trips of `size`-byte PINGs after `warmup` unmeasured ones; the times in ms. */
async function roundTrips(kind: 'raw' | 'meshcast', size: number, count: number, warmup: number): Promise<number[]> {
  const link = linkOf(kind);
  const times: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const ping = new Uint8Array(size);
    ping[0] = PING;
    new DataView(ping.buffer).setUint32(1, i);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}: no pong for ping ${i} within 5 s`)), 5000);
      sender = (bytes) => {
        if (bytes[0] !== PONG || new DataView(bytes.buffer, bytes.byteOffset).getUint32(1) !== i) return;
        clearTimeout(timer);
        resolve();
      };
      void link.send(ping);
    });
    if (i >= warmup) times.push(performance.now() - t0);
  }
  sender = null;
  return times;
}

const api = { rawOffer, rawAnswer, rawAccept, rawReady, rawClose, meshStart, meshConnected, meshStats, meshClose, throughput, roundTrips };
declare global {
  interface Window {
    meshcastBench?: typeof api;
  }
}
window.meshcastBench = api;
