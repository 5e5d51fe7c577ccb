/**
 * TCP peer addresses: `tcp://host:port` (plaintext) and `tls://host:port` (TLS). IPv6 hosts are
 * bracketed: `tcp://[::1]:7000`.
 *
 * TLS is a property of the transport, not of the address: a TcpTransport configured with `tls` listens
 * and dials only over TLS (so a `tcp://` address is dialed over TLS too — never a silent downgrade), and
 * advertises `tls://` from listenAddress(); one without `tls` cannot dial a `tls://` address.
 */

export type TcpScheme = 'tcp' | 'tls';

export interface TcpAddress {
  scheme: TcpScheme;
  host: string;
  port: number;
}

const ADDRESS = /^(tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+):(\d{1,5})$/;

/** Parses an address; returns undefined for anything that is not `tcp|tls://host:port` with port 1–65535. */
export function parseTcpAddress(address: string): TcpAddress | undefined {
  const m = ADDRESS.exec(address);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const rawHost = m[2]!;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { scheme: m[1] as TcpScheme, host, port };
}

export function formatTcpAddress({ scheme, host, port }: TcpAddress): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
