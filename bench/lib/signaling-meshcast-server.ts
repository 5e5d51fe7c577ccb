/**
 * meshcast's signaling server as a child process for the `signaling` bench: listens on 127.0.0.1:$PORT with
 * the limits that would refuse a load test lifted (per-IP connection cap, per-connection message rate) and
 * everything else at its defaults; SIGTERM closes it gracefully.
 */
import { createSignalingServer } from '../../signaling-server/src/index.js';

const port = Number(process.env.PORT);
const server = createSignalingServer({
  limits: {
    maxConnections: 20_000,
    maxConnectionsPerIp: 20_000,
    messagesPerSecond: 1e6,
    messageBurst: 1e6,
  },
});
await server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
