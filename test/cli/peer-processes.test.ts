/**
 * Three `meshcast peer` processes on 127.0.0.1 exchange messages over TCP in every relay mode; the mode
 * is switched at runtime through one peer's stdin (`/mode M`), announced to the whole mesh. The
 * peers start in gossip mode (the `--mode` flag), so every step below is a real switch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_MODES } from '../../src/wire/frames.js';
import { CliProcess } from '../helpers/cli-process.js';

describe('meshcast peer processes over TCP', () => {
  const peers: CliProcess[] = [];

  beforeAll(async () => {
    const a = new CliProcess(['peer', '--id', 'peer-a', '--listen', '127.0.0.1:0', '--mode', 'gossip', '--preset', 'fastDetection']);
    peers.push(a);
    const ready = await a.waitFor(/^ready peer-a /);
    const address = ready.split(' ')[2] as string;
    expect(address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const hostPort = address.replace('tcp://', '');
    for (const id of ['peer-b', 'peer-c']) {
      peers.push(new CliProcess(['peer', '--id', id, '--listen', '127.0.0.1:0', '--connect', hostPort, '--mode', 'gossip', '--preset', 'fastDetection']));
    }
    // Every peer ends up connected to both others (b and c find each other through a's peer exchange).
    for (const p of peers) {
      const others = ['peer-a', 'peer-b', 'peer-c'].filter((id) => !p.lines.some((l) => l.startsWith(`ready ${id}`)));
      await p.waitFor(/^ready /);
      for (const id of others) await p.waitFor(`peer connected ${id}`);
    }
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all(peers.map((p) => p.stop()));
    // A clean exit on SIGTERM.
    expect(codes).toEqual([0, 0, 0]);
  });

  it.each(RELAY_MODES)('delivers every message exactly once at every other peer in %s mode', async (mode) => {
    const [a, b, c] = peers as [CliProcess, CliProcess, CliProcess];
    a.send(`/mode ${mode}`);
    for (const p of peers) await p.waitFor(new RegExp(`^mode ${mode} `));
    const texts = peers.map((p, i) => `${mode} from ${i} ${Date.now()}`);
    peers.forEach((p, i) => p.send(texts[i] as string));
    for (const [i, p] of peers.entries()) {
      for (const [j, text] of texts.entries()) {
        if (i === j) continue;
        await p.waitFor(`${JSON.stringify(text)}`);
      }
    }
    // Give duplicates time to show up, then check each text was delivered once per receiver.
    await new Promise((r) => setTimeout(r, 500));
    for (const [i, p] of peers.entries()) {
      for (const [j, text] of texts.entries()) {
        const deliveries = p.lines.filter((l) => l.startsWith('message ') && l.endsWith(JSON.stringify(text))).length;
        expect(deliveries, `peer ${i} delivering message of peer ${j}`).toBe(i === j ? 0 : 1);
      }
    }
    expect([a, b, c].every((p) => !p.lines.some((l) => l.startsWith('error') || l.startsWith('stderr')))).toBe(true);
  });
});
