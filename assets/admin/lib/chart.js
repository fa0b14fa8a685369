// Small SVG bar charts, and the day buckets they plot.

import { rupiah } from './format.js';

export function barChart(points, valueKey, label) {
  const w = 600, hgt = 160, pad = 24;
  const max = Math.max(1, ...points.map((p) => p[valueKey]));
  const bw = points.length ? (w - pad * 2) / points.length : 0;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt + 20}`); svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
  points.forEach((p, i) => {
    const bh = (p[valueKey] / max) * (hgt - pad);
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', pad + i * bw + 2); r.setAttribute('y', hgt - bh); r.setAttribute('width', Math.max(bw - 4, 2)); r.setAttribute('height', bh);
    r.setAttribute('fill', '#0f766e');
    const t = document.createElementNS(ns, 'title'); t.textContent = `${p.key}: ${valueKey === 'count' ? p[valueKey] : rupiah(p[valueKey])}`; r.append(t);
    svg.append(r);
    if (points.length <= 14 || i % 5 === points.length % 5) {
      const lab = document.createElementNS(ns, 'text');
      lab.setAttribute('x', pad + i * bw + bw / 2); lab.setAttribute('y', hgt + 14); lab.setAttribute('font-size', '10');
      lab.setAttribute('text-anchor', 'middle'); lab.setAttribute('fill', '#6b7280'); lab.textContent = String(p.key).slice(5);
      svg.append(lab);
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
