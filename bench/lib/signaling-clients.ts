/**
 * The two client protocols of the `signaling` bench, behind one interface: join a room as an id (resolved
 * once the server acknowledged it), send a signal meant for one peer of the room, hear the signals meant
 * for us.
 *
 * - meshcast: the wire protocol's join → joined, and signal {to} → delivered to `to` only, `from` stamped.
 * - y-webrtc (its bin/server.js): JSON {type:'subscribe', topics:[room]}; it sends no acknowledgement, so a
 *   join is acknowledged by the {type:'pong'} answering a {type:'ping'} sent right after the subscribe (the
 *   server handles one connection's messages in order). A signal is what y-webrtc's own client does:
 *   {type:'publish', topic:room, data:{to, from, signal}} — the server sends it to every subscriber of the
 *   room (the sender included) and each one keeps what is addressed to it.
 */
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';

export interface SignalingBenchClient {
  /** Sends `data` to peer `to` of our room. */
  send(to: string, data: string): void;
  close(): void;
}

export interface ClientHandlers {
  /** A signal addressed to this client arrived. */
  onSignal(data: string): void;
  /** Any WebSocket message arrived (every delivery the server made to this client). */
  onDelivery(): void;
}

export interface SignalingProtocol {
  readonly name: 'meshcast' | 'y-webrtc';
  join(url: string, room: string, id: string, handlers: ClientHandlers): Promise<SignalingBenchClient>;
}

/**
 * Source addresses the clients are spread over (all loopback): thousands of short-lived bench connections
 * per run would otherwise crowd one address's ephemeral ports (and their TIME_WAIT) on 127.0.0.1.
 */
const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
let opened = 0;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const localAddress = SOURCE_ADDRESSES[opened++ % SOURCE_ADDRESSES.length];
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const JOIN_TIMEOUT_MS = 30_000;

function acknowledged(ws: WebSocket, what: string): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what}: no acknowledgement within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS);
    resolve = () => {
      clearTimeout(timer);
      res();
    };
    ws.once('close', () => rej(new Error(`${what}: closed before the acknowledgement`)));
  });
  return { promise, resolve };
}

export const meshcastProtocol: SignalingProtocol = {
  name: 'meshcast',
  async join(url, room, id, handlers) {
    const ws = await open(url);
    ws.on('error', () => {});
    const ack = acknowledged(ws, `join ${room}/${id}`);
    ws.on('message', (raw: Buffer) => {
      handlers.onDelivery();
      const frame = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      if (frame.kind === 'signal') handlers.onSignal(frame.data);
      else if (frame.kind === 'joined') ack.resolve();
    });
    ws.send(encodeFrame({ kind: 'join', room, peerId: id, role: 'browser', secret: '' }));
    await ack.promise;
    return {
      send: (to, data) => ws.send(encodeFrame({ kind: 'signal', room, from: '', to, data })),
      close: () => ws.terminate(),
    };
  },
};

export const yWebrtcProtocol: SignalingProtocol = {
  name: 'y-webrtc',
  async join(url, room, id, handlers) {
    const ws = await open(url);
    ws.on('error', () => {});
    const ack = acknowledged(ws, `subscribe ${room}/${id}`);
    // Cheap filter before parsing: the publish is re-serialised by the server, `data` keeps its key order.
    const mine = Buffer.from(`"to":${JSON.stringify(id)},`);
    ws.on('message', (raw: Buffer) => {
      handlers.onDelivery();
      if (raw.indexOf(mine) >= 0) {
        const message = JSON.parse(raw.toString()) as { data: { signal: string } };
        handlers.onSignal(message.data.signal);
      } else if (raw.length < 32 && raw.toString().includes('"pong"')) {
        ack.resolve();
      }
    });
    // As y-webrtc's own client does on connect (SignalingConn, src/y-webrtc.js): subscribe, then announce
    // itself to the room — the server writes the announce to every member, as meshcast's server writes
    // `peer-joined` to every member. Then a ping, whose pong (messages are handled in order) acknowledges.
    ws.send(JSON.stringify({ type: 'subscribe', topics: [room] }));
    ws.send(JSON.stringify({ type: 'publish', topic: room, data: { type: 'announce', from: id } }));
    ws.send(JSON.stringify({ type: 'ping' }));
    await ack.promise;
    return {
      send: (to, data) => ws.send(JSON.stringify({ type: 'publish', topic: room, data: { to, from: id, signal: data } })),
      close: () => ws.terminate(),
    };
  },
};
