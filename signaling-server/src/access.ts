/**
 * Per-room shared secrets and the Origin allowlist: the two admission rules a deployment configures.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The secret a room requires, or undefined when the room is open. */
export type SecretLookup = (room: string) => string | undefined;

/** A map or record room → secret, or a function (e.g. to derive secrets or require one everywhere). */
export type SecretsOption = ReadonlyMap<string, string> | Readonly<Record<string, string>> | SecretLookup;

export function secretLookup(option: SecretsOption | undefined): SecretLookup {
  if (option === undefined) return () => undefined;
  if (typeof option === 'function') return option;
  if (option instanceof Map) return (room) => option.get(room);
  const record = option as Readonly<Record<string, string>>;
  // Own keys only: a room named "constructor" or "__proto__" must not find Object.prototype's members.
  return (room) => (Object.hasOwn(record, room) ? record[room] : undefined);
}

/** Constant-time comparison (hashing first makes the lengths equal and hides the secret's length). */
export function secretMatches(expected: string, given: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Allowed browser origins, e.g. ['https://app.example.com'], or a predicate. A request without an Origin
 * header (a Node peer, curl) is not a browser page and is let through: the allowlist stops other web
 * sites from using the server from their visitors' browsers; non-browser clients can send any Origin
 * they like anyway, so secrets are the control for them.
 */
export type OriginsOption = readonly string[] | ((origin: string) => boolean);

export function originAllowed(option: OriginsOption | undefined, origin: string | undefined): boolean {
  if (option === undefined || origin === undefined) return true;
  return typeof option === 'function' ? option(origin) : option.includes(origin);
}
