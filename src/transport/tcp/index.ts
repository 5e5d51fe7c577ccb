/**
 * The TCP transport (Node only; exported from `meshcast/node`).
 */
export { TcpTransport, DEFAULT_LISTEN_HOST } from './tcp-transport.js';
export type { TcpTransportOptions } from './tcp-transport.js';
export { TcpConnection } from './tcp-connection.js';
export type { TcpLogger } from './tcp-connection.js';
export { DEFAULT_TCP_LIMITS, resolveTcpLimits } from './limits.js';
export type { TcpLimits } from './limits.js';
export type { TcpStats, TcpCloseCause, TcpAdmissionReject } from './stats.js';
export type { TcpTlsOptions } from './tls.js';
export { parseTcpAddress, formatTcpAddress } from './address.js';
export type { TcpAddress, TcpScheme } from './address.js';
