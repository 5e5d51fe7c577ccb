/**
 * FileSeenStore: the Node seen store, surviving a process restart. An append-only log, one line per id
 * (`<time> <key>\n`), appended one batch per write by WriteBehindSeenStore; compaction writes the live
 * ids to `<path>.tmp` and renames it over the log (atomic on POSIX), which also drops expired ids from
 * disk and bounds the file to about compactionFactor × maxEntries lines.
 *
 * A crash can leave a half-written last line: it has no newline, so load() skips it (counted as
 * truncated). Lines that do not parse (corruption) are skipped and counted; the next compaction
 * rewrites the file clean.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isValidSeenEntry, WriteBehindSeenStore } from '../dedup/write-behind.js';
import type { BackendLoad, SeenBackend, SeenEntry, WriteBehindOptions } from '../dedup/write-behind.js';

export interface FileSeenStoreOptions extends WriteBehindOptions {
  /** The log file; its directory is created on first write. */
  path: string;
}

const LINE = /^(\d{1,16}(?:\.\d+)?) (\S+)$/;

function encodeLines(entries: readonly SeenEntry[]): string {
  let out = '';
  for (const [key, time] of entries) {
    // Keys with whitespace cannot round-trip through the line format; relays never produce them.
    if (/\s/.test(key)) continue;
    out += `${time} ${key}\n`;
  }
  return out;
}

export function parseSeenLog(text: string): BackendLoad {
  const lines = text.split('\n');
  // Everything after the last newline is a record the crash cut short (or '' when the file is whole).
  const tail = lines.pop() ?? '';
  const entries: SeenEntry[] = [];
  let corrupt = 0;
  for (const line of lines) {
    if (line === '') continue;
    const match = LINE.exec(line);
    const entry = match ? [match[2], Number(match[1])] : undefined;
    if (entry && isValidSeenEntry(entry)) entries.push(entry);
    else corrupt++;
  }
  return { entries, corrupt, truncated: tail === '' ? 0 : 1 };
}

class FileBackend implements SeenBackend {
  private dirReady = false;

  constructor(private readonly path: string) {}

  async load(): Promise<BackendLoad> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], corrupt: 0, truncated: 0 };
      throw err;
    }
    return parseSeenLog(text);
  }

  async append(entries: readonly SeenEntry[]): Promise<void> {
    await this.ensureDir();
    await appendFile(this.path, encodeLines(entries), 'utf8');
  }

  async rewrite(entries: readonly SeenEntry[]): Promise<void> {
    await this.ensureDir();
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, encodeLines(entries), { encoding: 'utf8', flush: true });
    await rename(tmp, this.path);
  }

  private async ensureDir(): Promise<void> {
    if (this.dirReady) return;
    await mkdir(dirname(this.path), { recursive: true });
    this.dirReady = true;
  }
}

export class FileSeenStore extends WriteBehindSeenStore {
  readonly path: string;

  constructor(options: FileSeenStoreOptions) {
    super(new FileBackend(options.path), options);
    this.path = options.path;
  }
}
