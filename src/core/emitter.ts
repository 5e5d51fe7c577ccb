/**
 * A small typed event emitter for public objects (connections, transports, mesh nodes). A listener that
 * throws is reported to the 'error' listeners when there are any, never through the emitter's caller:
 * one bad listener must not break delivery to the others or the protocol loop.
 */
export type EventMap = Record<string, (...args: never[]) => void>;

export class TypedEmitter<E extends EventMap> {
  private listeners = new Map<keyof E, Set<E[keyof E]>>();

  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: E[K]): () => void {
    const wrapper = ((...args: Parameters<E[K]>) => {
      this.off(event, wrapper);
      (listener as (...a: Parameters<E[K]>) => void)(...args);
    }) as unknown as E[K];
    return this.on(event, wrapper);
  }

  off<K extends keyof E>(event: K, listener: E[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    // Listeners added or removed by a listener take effect from the next emit: the loop runs on a copy.
    // Most events on the data path have one listener: no copy needed for that one.
    if (set.size === 1) {
      this.callListener(event, set.values().next().value as E[K], args);
      return;
    }
    for (const listener of [...set]) this.callListener(event, listener as E[K], args);
  }

  private callListener<K extends keyof E>(event: K, listener: E[K], args: Parameters<E[K]>): void {
    try {
      (listener as (...a: Parameters<E[K]>) => void)(...args);
    } catch (err) {
      if (event !== 'error' && this.listenerCount('error' as K) > 0) {
        this.emit('error' as K, ...([err] as unknown as Parameters<E[K]>));
      } else {
        // Surface it without unwinding the protocol loop that emitted the event.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
