/**
 * SIGINT/SIGTERM → graceful close(), for processes that run the server (the CLI, `npm start`). A second
 * signal while closing exits at once.
 */
import type { SignalingServer } from './server.js';

export interface ShutdownHandlerOptions {
  signals?: readonly NodeJS.Signals[];
  /** Called once close() has resolved; default exits the process with code 0. */
  onClosed?: () => void;
}

/** Installs the handlers; returns a function that removes them. */
export function installShutdownHandlers(server: SignalingServer, options: ShutdownHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const onClosed = options.onClosed ?? (() => process.exit(0));
  let closing = false;
  const handler = (): void => {
    if (closing) process.exit(1);
    closing = true;
    void server.close().then(onClosed);
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
