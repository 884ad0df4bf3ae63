// Stacked bar chart of spend per day as inline SVG (no library): one bar per day, one colour per series.
import { money } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
export const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777', '#6b7280'];

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * days: ['YYYY-MM-DD'...]; series: [{name, values: {day: number}}]. Returns an <svg> sized to its container.
 */
export function stackedBars(days, series, label) {
  const width = 960;
  const height = 280;
  const pad = { left: 64, right: 12, top: 12, bottom: 36 };
  const totals = days.map((d) => series.reduce((s, x) => s + (x.values[d] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' });
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = pad.top + plotH - (plotH * i) / 4;
    svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, money(v) || '$0'));
  }
  const labelEvery = Math.ceil(days.length / 12);
  days.forEach((day, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    let y = pad.top + plotH;
    series.forEach((s, si) => {
      const v = s.values[day] || 0;
      if (v <= 0 || max <= 0) return;
      const hgt = (plotH * v) / max;
      y -= hgt;
      const rect = el('rect', { x, y, width: barW, height: Math.max(hgt, 0.5), fill: COLORS[si % COLORS.length] });
      rect.append(el('title', {}, `${day} · ${s.name}: ${money(v)}`));
      svg.append(rect);
    });
    if (i % labelEvery === 0) {
      svg.append(el('text', { x: x + barW / 2, y: height - pad.bottom + 16, 'text-anchor': 'middle', class: 'axis' }, day.slice(5)));
    }
  });
  return svg;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
