/**
 * Flag parsing shared by the benches: `--name=value` pairs, numbers or strings, with a fallback.
 */
export function numberFlag(args: readonly string[], name: string, fallback: number): number {
  const raw = stringFlag(args, name, '');
  if (raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name}=${raw} is not a number`);
  return value;
}

export function stringFlag(args: readonly string[], name: string, fallback: string): string {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

export function listFlag(args: readonly string[], name: string, fallback: readonly string[]): string[] {
  const raw = stringFlag(args, name, '');
  return raw === '' ? [...fallback] : raw.split(',').filter((s) => s !== '');
}
