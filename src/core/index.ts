export type { Clock, TimerHandle } from './clock.js';
export { RealClock } from './clock.js';
export type { Random } from './random.js';
export { SeededRandom, shuffleInPlace, sample, cryptoSeededRandom, randomId } from './random.js';
export { TypedEmitter } from './emitter.js';
export type { EventMap } from './emitter.js';
export type { Connection, ConnectionEvents, Transport, TransportEvents } from './transport.js';
export type { Buggify } from './buggify.js';
export { NO_BUGGIFY } from './buggify.js';
