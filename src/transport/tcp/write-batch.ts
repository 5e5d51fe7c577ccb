/**
 * Turns the frames queued during one event-loop turn into the few buffers handed to the socket (inside
 * one cork()/uncork(), so they leave in one writev). Runs of small frames are copied into one buffer —
 * one copy is cheaper than one write request per 1 KiB frame; a large frame goes out as its own prefix +
 * body, uncopied.
 */
import { encodeLengthPrefixedBatch, lengthPrefixedParts } from '../../wire/stream.js';

/** Every byte of a batch is written right away: no need for the zero fill of `new Uint8Array`. */
const allocUnsafe = (bytes: number): Uint8Array => Buffer.allocUnsafe(bytes);

/** Frames at least this big are written without copying. */
export const COPY_THRESHOLD_BYTES = 16 * 1024;

export function writeChunks(frames: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  const flushRun = (): void => {
    if (run.length > 0) out.push(encodeLengthPrefixedBatch(run, allocUnsafe));
    run = [];
  };
  for (const frame of frames) {
    if (frame.length < COPY_THRESHOLD_BYTES) {
      run.push(frame);
    } else {
      flushRun();
      out.push(...lengthPrefixedParts([frame]));
    }
  }
  flushRun();
  return out;
}
