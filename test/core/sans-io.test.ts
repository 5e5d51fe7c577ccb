/**
 * The sans-IO guard (issue 3, item 2): protocol code gets time, randomness and sockets only by
 * injection. This scans every .ts file under src/ and fails on host clocks, host timers, host randomness
 * or raw socket imports outside the real providers.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Path prefixes (relative to the repo root) where host I/O is the point. Keep it short: everything
 * else — relay/, peers/, wire/, dedup/, the simulator — must stay injectable.
 */
const ALLOWED_PREFIXES: readonly string[] = [
  'src/core/clock.ts', // RealClock: the one real Clock (host timers and time)
  'src/transport/tcp', // the TCP provider: sockets, connect/idle timeouts
  'src/transport/webrtc', // the WebRTC provider: data channels and their timeouts
  'src/signaling/', // the signaling client: WebSocket connection and reconnect timers
  'src/node/', // Node-only pieces behind `meshcast/node` (file stores, wrtc peers)
  'src/cli', // the command-line entry
];

interface Rule {
  name: string;
  pattern: RegExp;
}

const RULES: readonly Rule[] = [
  { name: 'Date.now', pattern: /\bDate\s*\.\s*now\b/ },
  { name: 'Math.random', pattern: /\bMath\s*\.\s*random\b/ },
  { name: 'setTimeout', pattern: /\bsetTimeout\b/ },
  { name: 'setInterval', pattern: /\bsetInterval\b/ },
  { name: 'performance.now', pattern: /\bperformance\s*\.\s*now\b/ },
  {
    name: 'net/dgram import',
    pattern: /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](?:node:)?(?:net|dgram)['"]/,
  },
];

/**
 * Removes // and /* comments, leaving string and template literals alone (so `from 'node:net'` is still
 * seen, and `'http://x'` is not mistaken for a comment). Line breaks are kept so line numbers hold.
 */
function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      i += 2;
      while (i < source.length && !(source[i] === '*' && source[i + 1] === '/')) {
        if (source[i] === '\n') out += '\n';
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Violations in one file's source, as "line: rule". */
function scanSource(source: string): string[] {
  const found: string[] = [];
  stripComments(source)
    .split('\n')
    .forEach((line, index) => {
      for (const rule of RULES) if (rule.pattern.test(line)) found.push(`${index + 1}: ${rule.name}`);
    });
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const root = join(import.meta.dirname, '..', '..');

describe('sans-IO guard', () => {
  it('no host clock, timers, randomness or raw sockets in src/ outside the real providers', () => {
    const violations: string[] = [];
    for (const file of tsFiles(join(root, 'src'))) {
      const path = relative(root, file).split('\\').join('/');
      if (ALLOWED_PREFIXES.some((prefix) => path.startsWith(prefix))) continue;
      for (const v of scanSource(readFileSync(file, 'utf8'))) violations.push(`${path}:${v}`);
    }
    expect(violations).toEqual([]);
  });

  it('the scanner catches each forbidden use', () => {
    expect(scanSource('const t = Date.now();')).toEqual(['1: Date.now']);
    expect(scanSource('x = Math.random()')).toEqual(['1: Math.random']);
    expect(scanSource('\n\nsetTimeout(f, 1)')).toEqual(['3: setTimeout']);
    expect(scanSource('const h = setInterval(f, 1)')).toEqual(['1: setInterval']);
    expect(scanSource('performance.now()')).toEqual(['1: performance.now']);
    expect(scanSource("import { connect } from 'node:net';")).toEqual(['1: net/dgram import']);
    expect(scanSource('import * as dgram from "dgram";')).toEqual(['1: net/dgram import']);
    expect(scanSource("const net = await import('net');")).toEqual(['1: net/dgram import']);
    expect(scanSource("import 'node:dgram';")).toEqual(['1: net/dgram import']);
    expect(scanSource("const s = require('net');")).toEqual(['1: net/dgram import']);
  });

  it('the scanner ignores comments and lookalikes', () => {
    expect(scanSource('// Date.now is forbidden here\nconst x = 1;')).toEqual([]);
    expect(scanSource('/* Math.random()\n setTimeout */ const y = 2;')).toEqual([]);
    expect(scanSource('const url = "http://x"; // setTimeout')).toEqual([]);
    expect(scanSource("import { x } from './net.js';")).toEqual([]);
    expect(scanSource('clock.setTimer(10, fn); myDate.nowish(); internet()')).toEqual([]);
    // A comment does not hide code after it on the next line.
    expect(scanSource('/* ok */\nDate.now()')).toEqual(['2: Date.now']);
  });
});
