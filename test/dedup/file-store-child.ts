/**
 * Child process for file-seen-store.test.ts: opens a FileSeenStore at argv[2], reports which of the
 * comma-separated keys in argv[3] it remembers, adds the keys in argv[4], flushes, and then dies with
 * SIGKILL (a crash: no close(), no exit handlers) when argv[5] is 'crash'.
 */
import { FileSeenStore } from '../../src/node/file-seen-store.js';

const [path, probe = '', add = '', mode = 'exit'] = process.argv.slice(2);
const split = (s: string): string[] => s.split(',').filter((k) => k !== '');

const store = new FileSeenStore({ path: path as string });
const restored = await store.load();
const seen = split(probe).filter((key) => store.has(key));
for (const key of split(add)) store.add(key, Date.now());
await store.flush();
process.stdout.write(`${JSON.stringify({ restored, seen })}\n`);
if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
else await store.close();
