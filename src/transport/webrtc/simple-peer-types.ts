/**
 * The slice of simple-peer that WebRtcTransport uses, typed structurally so the browser build (which
 * imports simple-peer's prebuilt `simplepeer.min.js`, untyped) and the Node build (`simple-peer` with
 * @roamhq/wrtc) share one transport.
 */
export interface SimplePeerOptions {
  initiator: boolean;
  trickle: boolean;
  config: { iceServers: RTCIceServer[] };
  /** Node only: the WebRTC implementation (@roamhq/wrtc). */
  wrtc?: unknown;
  channelName?: string;
  /** readable-stream's write buffer; write() returns false past it. */
  highWaterMark?: number;
}

export interface SimplePeerInstance {
  signal(data: unknown): void;
  /** Duplex write: false when over highWaterMark; 'drain' follows once the data channel drained. */
  write(chunk: Uint8Array): boolean;
  destroy(err?: Error): void;
  readonly bufferSize: number;
  readonly writableLength: number;
  readonly destroyed: boolean;
  on(event: 'signal', fn: (data: unknown) => void): this;
  on(event: 'connect' | 'close' | 'drain', fn: () => void): this;
  on(event: 'data', fn: (data: Uint8Array) => void): this;
  on(event: 'error', fn: (err: Error & { code?: string }) => void): this;
  removeAllListeners(event?: string): this;
}

export type SimplePeerFactory = (options: SimplePeerOptions) => SimplePeerInstance;
