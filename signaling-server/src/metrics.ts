/**
 * The server's counters, and their rendering in the Prometheus text exposition format (version 0.0.4).
 * Label values come only from the server's own fixed sets (error codes, rejection reasons), so the
 * labelled maps stay small whatever clients send.
 */

export type RejectReason = 'capacity' | 'per_ip' | 'origin' | 'shutting_down' | 'timeout' | 'bad_request';

export interface MetricsSnapshot {
  connections: number;
  rooms: number;
  joinsTotal: number;
  signalsRelayedTotal: number;
  messagesTotal: number;
  rateLimitedTotal: number;
  heartbeatTerminationsTotal: number;
  slowConsumerTerminationsTotal: number;
  errorsTotal: Record<string, number>;
  rejectedConnectionsTotal: Partial<Record<RejectReason, number>>;
}

const PREFIX = 'meshcast_signaling_';

export class SignalingMetrics {
  joinsTotal = 0;
  signalsRelayedTotal = 0;
  messagesTotal = 0;
  rateLimitedTotal = 0;
  heartbeatTerminationsTotal = 0;
  slowConsumerTerminationsTotal = 0;
  readonly errorsTotal = new Map<string, number>();
  readonly rejectedConnectionsTotal = new Map<RejectReason, number>();

  /** Gauges are read from the server when asked, so they can never drift from the truth. */
  constructor(private readonly gauges: { connections(): number; rooms(): number }) {}

  error(code: string): void {
    this.errorsTotal.set(code, (this.errorsTotal.get(code) ?? 0) + 1);
  }

  rejected(reason: RejectReason): void {
    this.rejectedConnectionsTotal.set(reason, (this.rejectedConnectionsTotal.get(reason) ?? 0) + 1);
  }

  snapshot(): MetricsSnapshot {
    return {
      connections: this.gauges.connections(),
      rooms: this.gauges.rooms(),
      joinsTotal: this.joinsTotal,
      signalsRelayedTotal: this.signalsRelayedTotal,
      messagesTotal: this.messagesTotal,
      rateLimitedTotal: this.rateLimitedTotal,
      heartbeatTerminationsTotal: this.heartbeatTerminationsTotal,
      slowConsumerTerminationsTotal: this.slowConsumerTerminationsTotal,
      errorsTotal: Object.fromEntries(this.errorsTotal),
      rejectedConnectionsTotal: Object.fromEntries(this.rejectedConnectionsTotal),
    };
  }

  /** The Prometheus text format: HELP and TYPE lines, then one sample per line. */
  render(): string {
    const s = this.snapshot();
    return [
      metric('connections', 'gauge', 'Open WebSocket connections.', s.connections),
      metric('rooms', 'gauge', 'Rooms with at least one member.', s.rooms),
      metric('joins_total', 'counter', 'Successful room joins.', s.joinsTotal),
      metric('signals_relayed_total', 'counter', 'Signal frames relayed to their target.', s.signalsRelayedTotal),
      metric('messages_total', 'counter', 'WebSocket messages received from clients.', s.messagesTotal),
      metric('rate_limited_total', 'counter', 'Messages dropped by the per-connection rate limit.', s.rateLimitedTotal),
      metric('heartbeat_terminations_total', 'counter', 'Connections terminated for missing a heartbeat pong.',
        s.heartbeatTerminationsTotal),
      metric('slow_consumer_terminations_total', 'counter', 'Connections terminated for reading too slowly.',
        s.slowConsumerTerminationsTotal),
      labelled('errors_total', 'Client-caused errors by code (answered with an error frame, or the socket closed).',
        'code', this.errorsTotal),
      labelled('rejected_connections_total', 'Connections refused before or at the upgrade, by reason.',
        'reason', this.rejectedConnectionsTotal),
    ].join('');
  }
}

function metric(name: string, type: 'gauge' | 'counter', help: string, value: number): string {
  return `# HELP ${PREFIX}${name} ${help}\n# TYPE ${PREFIX}${name} ${type}\n${PREFIX}${name} ${value}\n`;
}

function labelled(name: string, help: string, label: string, values: ReadonlyMap<string, number>): string {
  let out = `# HELP ${PREFIX}${name} ${help}\n# TYPE ${PREFIX}${name} counter\n`;
  for (const [key, value] of values) out += `${PREFIX}${name}{${label}="${escapeLabel(key)}"} ${value}\n`;
  return out;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
