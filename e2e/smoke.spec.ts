/**
 * Smoke test of the browser harness: two pages of one browser open an RTCPeerConnection to each other
 * over loopback with no ICE servers, and exchange data-channel messages both ways. The test process is
 * the signaling channel: each page's offer/answer and ICE candidates are handed to the other page.
 *
 * If this fails, every later WebRTC e2e test would too; the failure message says how far the
 * connection got (signaling, ICE, DTLS) and the trace/screenshot stay in e2e-artifacts/.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_CHUNK_BYTES } from '../src/wire/limits.js';
import { expect, test } from './fixtures.js';

/** Loopback connects in well under a second; this only bounds a hung ICE/DTLS handshake. */
const OPEN_TIMEOUT_MS = 20_000;

type Signal =
  | { type: 'description'; description: RTCSessionDescriptionInit }
  | { type: 'candidate'; candidate: RTCIceCandidateInit };

interface SmokePeer {
  /** Offerer only: creates the offer and sends it. */
  start(): Promise<void>;
  /** Applies a signal from the other page, in arrival order. */
  receive(signal: Signal): Promise<void>;
  /** Resolves when the data channel is open; rejects with the state history if it fails or times out. */
  opened(timeoutMs: number): Promise<void>;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  /** The next message received (queued if it already arrived). Binary arrives as a number[]. */
  next(): Promise<string | number[]>;
}

declare global {
  interface Window {
    smokePeer: SmokePeer;
    /** Exposed by the test: forwards a signal to the other page. */
    sendSignal(signal: Signal): Promise<void>;
  }
}

/** Runs inside the page: builds one end of the connection on window.smokePeer. */
function installPeer(initiator: boolean): void {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const inbox: (string | number[])[] = [];
  const readers: ((m: string | number[]) => void)[] = [];
  const pendingCandidates: RTCIceCandidateInit[] = [];
  const stateLog: string[] = [];
  let signals: Promise<void> = Promise.resolve();
  let channel: RTCDataChannel | undefined;

  const logState = (): void => {
    stateLog.push(`signaling=${pc.signalingState} ice=${pc.iceConnectionState} conn=${pc.connectionState}`);
  };
  pc.onsignalingstatechange = logState;
  pc.oniceconnectionstatechange = logState;
  pc.onconnectionstatechange = logState;

  let markOpen: () => void = () => {};
  let markFailed: (err: Error) => void = () => {};
  const open = new Promise<void>((resolve, reject) => {
    markOpen = resolve;
    markFailed = reject;
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed') markFailed(new Error(`connection failed: ${stateLog.join(' | ')}`));
  });

  const adopt = (ch: RTCDataChannel): void => {
    channel = ch;
    ch.binaryType = 'arraybuffer';
    ch.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
      const message = typeof event.data === 'string' ? event.data : Array.from(new Uint8Array(event.data));
      const reader = readers.shift();
      if (reader) reader(message);
      else inbox.push(message);
    };
    if (ch.readyState === 'open') markOpen();
    else ch.onopen = () => markOpen();
  };
  if (initiator) adopt(pc.createDataChannel('smoke'));
  else pc.ondatachannel = (event) => adopt(event.channel);

  pc.onicecandidate = (event) => {
    if (event.candidate) void window.sendSignal({ type: 'candidate', candidate: event.candidate.toJSON() });
  };

  const apply = async (signal: Signal): Promise<void> => {
    if (signal.type === 'candidate') {
      // Candidates can overtake the description they belong to; hold them until it is set.
      if (pc.remoteDescription) await pc.addIceCandidate(signal.candidate);
      else pendingCandidates.push(signal.candidate);
      return;
    }
    await pc.setRemoteDescription(signal.description);
    for (const candidate of pendingCandidates.splice(0)) await pc.addIceCandidate(candidate);
    if (signal.description.type === 'offer') {
      await pc.setLocalDescription();
      await window.sendSignal({ type: 'description', description: pc.localDescription!.toJSON() });
    }
  };

  window.smokePeer = {
    async start() {
      await pc.setLocalDescription();
      await window.sendSignal({ type: 'description', description: pc.localDescription!.toJSON() });
    },
    receive(signal) {
      signals = signals.then(() => apply(signal));
      return signals;
    },
    opened: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`data channel not open after ${timeoutMs} ms: ${stateLog.join(' | ')}`)),
          timeoutMs,
        );
        open.then(resolve, reject).finally(() => clearTimeout(timer));
      }),
    send(data) {
      if (!channel || channel.readyState !== 'open') throw new Error('data channel is not open');
      if (typeof data === 'string') channel.send(data);
      else channel.send(data);
    },
    next() {
      const queued = inbox.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve) => readers.push(resolve));
    },
  };
}

/** Routes `from`'s signals to `to` through the test process. */
async function relaySignals(from: Page, to: Page): Promise<void> {
  await from.exposeFunction('sendSignal', (signal: Signal) =>
    to.evaluate((s) => window.smokePeer.receive(s), signal),
  );
}

test('two pages connect over loopback WebRTC and exchange data-channel messages both ways', async ({
  context,
  staticServer,
}) => {
  const pageErrors: string[] = [];
  const [alice, bob] = [await context.newPage(), await context.newPage()];
  for (const page of [alice, bob]) {
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(staticServer.url('/'));
  }
  await relaySignals(alice, bob);
  await relaySignals(bob, alice);
  await alice.evaluate(installPeer, true);
  await bob.evaluate(installPeer, false);

  await alice.evaluate(() => window.smokePeer.start());
  await Promise.all(
    [alice, bob].map((page) => page.evaluate((ms) => window.smokePeer.opened(ms), OPEN_TIMEOUT_MS)),
  );

  await alice.evaluate(() => window.smokePeer.send('hello from alice'));
  expect(await bob.evaluate(() => window.smokePeer.next())).toBe('hello from alice');

  await bob.evaluate(() => window.smokePeer.send('hello from bob'));
  expect(await alice.evaluate(() => window.smokePeer.next())).toBe('hello from bob');

  // A binary message of the size meshcast's WebRTC chunks use (16 KiB) arrives intact.
  const bytes = Array.from({ length: DEFAULT_CHUNK_BYTES }, (_, i) => (i * 31 + 7) & 0xff);
  await bob.evaluate((b) => window.smokePeer.send(new Uint8Array(b)), bytes);
  expect(await alice.evaluate(() => window.smokePeer.next())).toEqual(bytes);

  expect(pageErrors).toEqual([]);
});
