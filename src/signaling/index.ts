export {
  SignalingClient,
  DEFAULT_SIGNALING_BACKOFF,
  DEFAULT_SIGNALING_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_QUEUED_SIGNALS,
} from './client.js';
export type {
  SignalingClientEvents,
  SignalingClientOptions,
  SignalingState,
  WebSocketConstructor,
  WebSocketLike,
} from './client.js';
export type { SignalingBackoffOptions } from './backoff.js';
export { SignalingError, SignalingErrorCode, SignalingCloseCode } from './errors.js';
