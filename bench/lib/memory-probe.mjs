// Preloaded (`node --expose-gc --import ./bench/lib/memory-probe.mjs …`) into a server process forked by a
// bench, so the bench can ask for the server's memory over IPC whatever the server is (meshcast's, y-webrtc's
// bin/server.js): on {probe:'memory'} it collects garbage twice and answers with process.memoryUsage();
// on {probe:'snapshot', path} it writes a heap snapshot there (to see what a connection costs).
// Plain JavaScript on purpose: y-webrtc's server runs without tsx.
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

process.on('message', (message) => {
  if (message?.probe === 'snapshot') {
    globalThis.gc?.();
    process.send?.({ probe: 'snapshot', path: writeHeapSnapshot(message.path) });
    return;
  }
  if (message?.probe !== 'memory') return;
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  // The young generation's committed pages: V8 grows it (up to its maximum) during any burst of
  // allocation and keeps it after collecting, so it is in RSS whatever the server holds.
  const youngBytes = getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
    .reduce((sum, s) => sum + s.physical_space_size, 0);
  process.send?.({ probe: 'memory', rss, heapUsed, external, arrayBuffers, youngBytes, gc: typeof globalThis.gc === 'function' });
});
// The IPC channel must not keep a server alive that would otherwise exit, nor end it early.
process.channel?.unref();
