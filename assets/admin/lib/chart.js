// SVG bar charts with a value axis, readable period labels and, when there is room, the
// value on each bar (a phone has no hover); the day buckets they plot.

import { h } from './dom.js';
import { rupiah, shortRupiah } from './format.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A bucket key as people read it: `2026-11-24` -> `24 Nov`, `2026-W47` -> `from 23 Nov`, `2026-11` -> `Nov 2026`. */
export function periodLabel(key) {
  const k = String(key);
  let m = k.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
  m = k.match(/^(\d{4})-W(\d{2})$/);
  if (m) {
    // SQLite's %W: weeks start on Monday; week 00 is the days before the year's first Monday.
    const jan1 = new Date(Date.UTC(Number(m[1]), 0, 1));
    const firstMonday = new Date(jan1); firstMonday.setUTCDate(1 + ((8 - jan1.getUTCDay()) % 7));
    const week = Number(m[2]);
    const start = week === 0 ? jan1 : new Date(firstMonday.getTime() + (week - 1) * 7 * 86400000);
    return `wk ${start.getUTCDate()} ${MONTHS[start.getUTCMonth()]}`;
  }
  m = k.match(/^(\d{4})-(\d{2})$/);
  if (m) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  return k;
}

export function barChart(points, valueKey, label) {
  const money = valueKey !== 'count';
  const fmt = (v) => (money ? shortRupiah(v) : String(v));
  const total = points.reduce((s, p) => s + Number(p[valueKey] || 0), 0);
  if (!points.length || total === 0) {
    return h('div', { class: 'card chart-empty', role: 'img', 'aria-label': `${label}: nothing in this range` }, `No ${money ? 'revenue' : 'orders'} in this range.`);
  }
  // Drawn at the width it is shown at (capped), so its text stays readable on a phone.
  const w = Math.max(300, Math.min(640, (document.getElementById('main')?.clientWidth || 640) - 24));
  const top = 18, bottom = 28, left = 64, right = 24, hgt = w < 500 ? 180 : 200;
  const plot = hgt - top - bottom;
  const max = Math.max(1, ...points.map((p) => p[valueKey]));
  const bw = (w - left - right) / points.length;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; return e; };
  const svg = el('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'chart', role: 'img', 'aria-label': `${label}; highest ${money ? rupiah(max) : max}` });
  for (const f of [0, 0.5, 1]) {
    const y = top + plot - f * plot;
    svg.append(el('line', { x1: left, x2: w - right, y1: y, y2: y, stroke: '#e5e7eb' }));
    svg.append(el('text', { x: left - 6, y: y + 4, 'font-size': 11, 'text-anchor': 'end', fill: '#6b7280', class: 'axis' }, fmt(Math.round(max * f))));
  }
  const every = Math.ceil(points.length / (w < 500 ? 4 : 8));
  points.forEach((p, i) => {
    const v = Number(p[valueKey] || 0);
    const bh = (v / max) * plot;
    const x = left + i * bw;
    const r = el('rect', { x: x + 2, y: top + plot - bh, width: Math.max(bw - 4, 2), height: bh, fill: '#0f766e' });
    r.append(el('title', {}, `${periodLabel(p.key)}: ${money ? rupiah(v) : v}`));
    svg.append(r);
    if (points.length <= 14 && v > 0) svg.append(el('text', { x: x + bw / 2, y: top + plot - bh - 4, 'font-size': 10, 'text-anchor': 'middle', fill: '#1f2937', class: 'value' }, fmt(v)));
    if (i % every === (points.length - 1) % every) {
      svg.append(el('text', { x: x + bw / 2, y: hgt - 10, 'font-size': 11, 'text-anchor': 'middle', fill: '#6b7280', class: 'period' }, periodLabel(p.key)));
    }
  });
  return svg;
}

/** The last `days` Jakarta dates, each with its bucket or zeros (a chart shows quiet days too). */
export function fillDays(points, days) {
  const byKey = new Map(points.map((p) => [p.key, p]));
  const out = [];
  const now = Date.now() + 7 * 3600 * 1000; // Asia/Jakarta is UTC+7 all year
  for (let i = days - 1; i >= 0; i--) {
    const key = new Date(now - i * 86400000).toISOString().slice(0, 10);
    out.push(byKey.get(key) || { key, count: 0, revenue: 0, profit: 0 });
  }
  return out;
}
