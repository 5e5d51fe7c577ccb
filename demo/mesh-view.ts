/**
 * The live picture of the mesh: nodes on a circle (this tab at the top), the links every tab reported,
 * and the hops the last chat message took drawn as arrows. Pure rendering: it is handed a model and
 * redraws the SVG from it.
 */
import type { Hop } from './control.js';

export interface MeshViewNode {
  id: string;
  /** 'self', or the peer state this tab sees ('connected', 'suspect', 'down', …, 'remote' if only heard of). */
  state: string;
}

export interface MeshViewModel {
  self: string;
  nodes: MeshViewNode[];
  /** Undirected links as "a|b". */
  links: Set<string>;
  /** Hops of the last chat message. */
  hops: Hop[];
  /** Origin of the last chat message. */
  origin: string | undefined;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const SIZE = 320;
const RADIUS = 118;
const NODE_R = 22;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}

export function shortId(id: string): string {
  return id.length <= 6 ? id : id.slice(0, 6);
}

/** Positions: this tab at the top, the others clockwise in id order. */
function layout(model: MeshViewModel): Map<string, { x: number; y: number }> {
  const others = model.nodes.map((n) => n.id).filter((id) => id !== model.self).sort();
  const order = [model.self, ...others];
  const out = new Map<string, { x: number; y: number }>();
  const c = SIZE / 2;
  order.forEach((id, i) => {
    if (order.length === 1) return out.set(id, { x: c, y: c });
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / order.length;
    out.set(id, { x: c + RADIUS * Math.cos(angle), y: c + RADIUS * Math.sin(angle) });
  });
  return out;
}

/** The point on the segment a→b at `inset` from b (arrows end at the node's rim). */
function towards(a: { x: number; y: number }, b: { x: number; y: number }, inset: number): { x: number; y: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  return { x: b.x - (dx / len) * inset, y: b.y - (dy / len) * inset };
}

export function renderMesh(svg: SVGSVGElement, model: MeshViewModel): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${SIZE} ${SIZE}`);
  const defs = el('defs', {}, svg);
  const marker = el('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
  }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }, marker);

  const pos = layout(model);
  const linkLayer = el('g', { class: 'links' }, svg);
  for (const pair of model.links) {
    const [a, b] = pair.split('|') as [string, string];
    const pa = pos.get(a);
    const pb = pos.get(b);
    if (!pa || !pb) continue;
    el('line', { x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y, class: 'link', 'data-link': pair }, linkLayer);
  }
  const hopLayer = el('g', { class: 'hops' }, svg);
  for (const hop of model.hops) {
    const pa = pos.get(hop.from);
    const pb = pos.get(hop.to);
    if (!pa || !pb) continue;
    const start = towards(pb, pa, NODE_R);
    const end = towards(pa, pb, NODE_R + 2);
    el('line', {
      x1: start.x, y1: start.y, x2: end.x, y2: end.y, class: 'hop', 'marker-end': 'url(#arrow)',
      'data-hop': `${hop.from}>${hop.to}`,
    }, hopLayer);
  }
  const nodeLayer = el('g', { class: 'nodes' }, svg);
  for (const node of model.nodes) {
    const p = pos.get(node.id);
    if (!p) continue;
    const classes = ['node', `state-${node.state}`];
    if (node.id === model.origin) classes.push('origin');
    const g = el('g', { class: classes.join(' '), 'data-peer': node.id, transform: `translate(${p.x} ${p.y})` }, nodeLayer);
    el('title', {}, g).textContent = `${node.id} (${node.state === 'self' ? 'this tab' : node.state})`;
    el('circle', { r: NODE_R }, g);
    const label = el('text', { 'text-anchor': 'middle', dy: '0.35em' }, g);
    label.textContent = node.state === 'self' ? 'you' : shortId(node.id);
  }
}
