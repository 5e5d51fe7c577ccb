/**
 * Logging, injected: one call per event with a short event name and flat fields. The default is silent
 * (tests, embedding); the CLI passes createSignalingLogger() to print one line per event.
 */
export type LogLevel = 'info' | 'warn';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type SignalingLogger = (level: LogLevel, event: string, fields?: LogFields) => void;

export const silentSignalingLogger: SignalingLogger = () => {};

/** `2026-11-21T12:00:00.000Z info join room=lobby peer=a1 ip=127.0.0.1`, one line per event. */
export function createSignalingLogger(write: (line: string) => void = (line) => console.log(line)): SignalingLogger {
  return (level, event, fields = {}) => {
    let line = `${new Date().toISOString()} ${level} ${event}`;
    for (const [key, value] of Object.entries(fields)) {
      // JSON-quoted: client-chosen strings (room names, peer ids) cannot forge extra fields or lines.
      if (value !== undefined) line += ` ${key}=${JSON.stringify(value)}`;
    }
    write(line);
  };
}
