/** The signaling server (Node only), exported from `meshcast/node`. */
export { createSignalingServer } from './server.js';
export type { SignalingServer, SignalingServerOptions } from './server.js';
export { DEFAULT_SIGNALING_LIMITS, resolveSignalingLimits } from './limits.js';
export type { SignalingLimits } from './limits.js';
export { createSignalingLogger, silentSignalingLogger } from './logger.js';
export type { LogFields as SignalingLogFields, LogLevel as SignalingLogLevel, SignalingLogger } from './logger.js';
export { SignalingMetrics } from './metrics.js';
export type { MetricsSnapshot as SignalingMetricsSnapshot, RejectReason as SignalingRejectReason } from './metrics.js';
export type {
  OriginsOption as SignalingOriginsOption,
  SecretLookup as SignalingSecretLookup,
  SecretsOption as SignalingSecretsOption,
} from './access.js';
export { installShutdownHandlers } from './shutdown.js';
export type { ShutdownHandlerOptions } from './shutdown.js';
