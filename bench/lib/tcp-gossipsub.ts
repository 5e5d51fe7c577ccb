/**
 * js-libp2p gossipsub as the `tcp` bench's anchor: libp2p with @libp2p/tcp, yamux, plaintext (no
 * encryption — meshcast's TCP links are plaintext too unless TLS is configured), identify (gossipsub learns
 * that a peer speaks its protocol through identify) and @libp2p/gossipsub with its defaults except:
 * - globalSignaturePolicy 'StrictNoSign': meshcast does not sign by default either, and signing every
 *   message with Ed25519 would measure the signature, not the relay;
 * - allowPublishToZeroTopicPeers, so the bench's probe never throws while the mesh forms.
 * All bench-only devDependencies, never dependencies of the package.
 */
import './node22-shims.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@chainsafe/libp2p-yamux';
import { plaintext } from '@libp2p/plaintext';
import { identify } from '@libp2p/identify';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import type { Edge, MeshUnderTest } from './tcp-harness.js';
import { waitFor } from './stats.js';

const TOPIC = 'bench';

type Node = Libp2p<{ identify: unknown; pubsub: GossipSub }>;

export class GossipsubMesh implements MeshUnderTest {
  readonly name = 'gossipsub';
  private nodes: Node[] = [];
  private publishErrors = 0;
  private lastPublishError = '';

  async start(count: number, edges: readonly Edge[], deliver: (node: number, payload: Uint8Array) => void): Promise<void> {
    this.nodes = await Promise.all(
      Array.from({ length: count }, async () =>
        (await createLibp2p({
          addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
          transports: [tcp()],
          connectionEncrypters: [plaintext()],
          streamMuxers: [yamux()],
          services: {
            identify: identify(),
            pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign', allowPublishToZeroTopicPeers: true }),
          },
        })) as unknown as Node,
      ),
    );
    this.nodes.forEach((node, i) => {
      node.services.pubsub.subscribe(TOPIC);
      node.services.pubsub.addEventListener('message', (evt) => deliver(i, evt.detail.data));
    });
    for (const [a, b] of edges) await this.nodes[a]!.dial(this.nodes[b]!.getMultiaddrs()[0]!);
    const degree = (i: number): number => edges.filter(([a, b]) => a === i || b === i).length;
    await waitFor(
      () => this.nodes.every((node, i) => node.services.pubsub.getSubscribers(TOPIC).length === degree(i)),
      15_000,
      'gossipsub subscriptions on every link',
    );
  }

  publish(from: number, payload: Uint8Array): void {
    this.nodes[from]!.services.pubsub.publish(TOPIC, payload).catch((err: Error) => {
      this.publishErrors++;
      this.lastPublishError = err.message;
    });
  }

  details(): object {
    return {
      connections: this.nodes.map((n) => n.getConnections().length),
      topicPeers: this.nodes.map((n) => n.services.pubsub.getSubscribers(TOPIC).length),
      publishErrors: this.publishErrors,
      ...(this.lastPublishError ? { lastPublishError: this.lastPublishError } : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
