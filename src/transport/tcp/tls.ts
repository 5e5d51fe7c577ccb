/**
 * TLS for server peers across the internet: both sides present a certificate signed by a CA the user
 * supplies, and both verify the other (mutual authentication). The server requests and verifies the
 * client's certificate; the client verifies the server's certificate and that it names the dialed host
 * (Node's checkServerIdentity: an IP address must be in the certificate's subjectAltName).
 */
import tls from 'node:tls';

type Pem = string | Buffer;

export interface TcpTlsOptions {
  /** This peer's private key (PEM). */
  key: Pem;
  /** This peer's certificate (PEM), signed by `ca` (or a chain up to it). */
  cert: Pem;
  /** The CA certificate(s) that sign the mesh's peers. Only these are trusted (not the system store). */
  ca: Pem | Pem[];
  /** Server side: ask the client for a certificate. Default true. */
  requestCert?: boolean;
  /** Refuse a peer whose certificate does not verify against `ca`. Default true. */
  rejectUnauthorized?: boolean;
}

/**
 * A TLS server that never listens itself: the TCP listener admits raw sockets (caps first) and injects
 * them with `server.emit('connection', socket)`. (Node's handshakeTimeout is set as a backstop; the
 * transport runs its own handshake timer for injected sockets.)
 */
export function createTlsServer(options: TcpTlsOptions, handshakeTimeoutMs: number): tls.Server {
  return tls.createServer({
    key: options.key,
    cert: options.cert,
    ca: options.ca,
    requestCert: options.requestCert ?? true,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    handshakeTimeout: handshakeTimeoutMs,
  });
}

/**
 * The client side's key, certificate and trusted CA, built once: a bad PEM fails here (at construction)
 * rather than in the middle of a dial.
 */
export function createClientContext(options: TcpTlsOptions): tls.SecureContext {
  return tls.createSecureContext({ key: options.key, cert: options.cert, ca: options.ca });
}

export function tlsConnectOptions(
  options: TcpTlsOptions,
  secureContext: tls.SecureContext,
  host: string,
  port: number,
): tls.ConnectionOptions {
  return {
    host,
    port,
    secureContext,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    // SNI must be a host name; Node warns if it is an IP address.
    ...(isIpLiteral(host) ? {} : { servername: host }),
  };
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Node error codes that mean the TLS layer refused (for the 'tls' counters). */
export function isTlsErrorCode(code: string): boolean {
  return (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code.includes('SELF_SIGNED') ||
    code === 'EPROTO'
  );
}
