/**
 * DOM helpers of the demo: small functions that draw one part of the page from plain data. They hold
 * no state of their own beyond what is on the page, and every list they append to is capped.
 */
import { shortId } from './mesh-view.js';

/** Lines kept in the chat and the event log (older ones are removed from the page). */
export const MAX_CHAT_LINES = 200;
export const MAX_LOG_LINES = 150;

export function byId<T extends HTMLElement | SVGSVGElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`demo: #${id} is missing from index.html`);
  return found as unknown as T;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function setStatus(el: HTMLElement, status: 'connecting' | 'online' | 'error', text: string): void {
  el.dataset.status = status;
  el.textContent = text;
}

export interface PeerRow {
  id: string;
  /** 'self' for this tab, else the peer state. */
  state: string;
  role?: string;
  rttMs?: number;
  /** Why it is in this state, when the demo knows more than the state (e.g. 'left the room'). */
  note?: string;
}

export function renderPeers(list: HTMLElement, rows: readonly PeerRow[]): void {
  list.replaceChildren();
  for (const row of rows) {
    const li = element('li', '');
    li.dataset.peer = row.id;
    li.dataset.state = row.state;
    const id = element('span', 'id', row.state === 'self' ? `${shortId(row.id)} (you)` : shortId(row.id));
    id.title = row.id;
    const details = [row.state === 'self' ? 'this tab' : row.state];
    if (row.role === 'server') details.push('server');
    if (row.note) details.push(row.note);
    if (row.rttMs !== undefined) details.push(`${Math.round(row.rttMs)} ms`);
    li.append(id, element('span', 'state', details.join(' · ')));
    list.append(li);
  }
  if (rows.length <= 1) list.append(element('li', 'empty', 'No other peer yet — open this page in another tab.'));
}

export function renderCounters(dl: HTMLElement, entries: readonly [label: string, value: string, key: string][]): void {
  dl.replaceChildren();
  for (const [label, value, key] of entries) {
    const box = element('div', '');
    box.dataset.counter = key;
    box.append(element('dt', '', label), element('dd', '', value));
    dl.append(box);
  }
}

export interface ChatLine {
  id: string;
  who: string;
  text: string;
  mine: boolean;
  /** e.g. "via 3f2a1c · 2 hops". */
  meta: string;
  priority: string;
}

function capChildren(list: HTMLElement, max: number): void {
  while (list.children.length > max) list.firstElementChild?.remove();
}

export function appendChat(list: HTMLElement, line: ChatLine): void {
  list.querySelector('.empty')?.remove();
  const li = element('li', line.mine ? 'mine' : '');
  li.dataset.id = line.id;
  li.append(element('span', 'who', line.who), element('span', 'text', line.text));
  if (line.priority !== 'normal') li.append(element('span', `prio prio-${line.priority}`, line.priority));
  li.append(element('span', 'meta', line.meta));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(li);
  capChildren(list, MAX_CHAT_LINES);
  if (atBottom || line.mine) list.scrollTop = list.scrollHeight;
}

export function appendLog(list: HTMLElement, text: string): void {
  const time = new Date().toLocaleTimeString(undefined, { hour12: false });
  list.append(element('li', '', `${time} ${text}`));
  capChildren(list, MAX_LOG_LINES);
}

/** The checked value of a radio group. */
export function radioValue(group: HTMLElement): string | undefined {
  return group.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value;
}

export function checkRadio(group: HTMLElement, value: string): void {
  const input = group.querySelector<HTMLInputElement>(`input[type=radio][value="${CSS.escape(value)}"]`);
  if (input) input.checked = true;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
