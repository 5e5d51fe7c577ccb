/**
 * A small argv parser for the meshcast CLI: `--name value`, `--name=value`, repeatable options and
 * boolean flags. Unknown options are errors (a typo should not be silently ignored).
 */
export interface OptionSpec {
  /** Takes a value (default) or is a flag. */
  flag?: boolean;
  /** May be given several times; the values are collected. */
  repeat?: boolean;
}

export type ParsedArgs = Record<string, string | string[] | boolean | undefined>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const out: ParsedArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const opt = spec[name];
    if (!opt) throw new UsageError(`unknown option: --${name}`);
    if (opt.flag) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (opt.repeat) out[name] = [...((out[name] as string[] | undefined) ?? []), value];
    else out[name] = value;
  }
  return out;
}

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = args[name];
  return Array.isArray(v) ? v : [];
}

export function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`not a port: ${value}`);
  return n;
}
