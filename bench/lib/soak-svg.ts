/**
 * The soak plot: three panels over the run's time — server memory (heap used, RSS; the leak
 * check's window shaded), deliveries per second, held connections and subscriptions — with a
 * red mark wherever an error was counted. Plain SVG, no dependencies (like svg.ts).
 */

export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  connections: number;
  subscriptions: number;
  /** Messages the subscribers received per second since the previous sample. */
  deliveriesPerSecond: number;
  /** The server's own messages/s (/healthz): graphql-ws frames it sent. */
  serverMessagesPerSecond: number;
  heapUsedBytes: number;
  rssBytes: number;
  /** Errors (server and client) counted since the previous sample. */
  newErrors: number;
}

interface Series {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
}

const WIDTH = 920;
const LEFT = 70;
const RIGHT = WIDTH - 150;
const PANEL = 150;
const GAP = 46;
const TOP = 80;

/** 1, 2 or 5 × 10^n: a step giving about `lines` gridlines up to `max`. */
function niceStep(max: number, lines = 4): number {
  const raw = max / lines;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

const fmt = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(1))));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderSoakSvg(samples: SoakSample[], title: string, subtitle: string, leakWindow: [number, number]): string {
  const end = Math.max(1, samples.at(-1)?.t ?? 1);
  const x = (t: number) => LEFT + (t / end) * (RIGHT - LEFT);
  const height = TOP + 3 * PANEL + 2 * GAP + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${LEFT}" y="40" fill="#374151">${esc(subtitle)}</text>`,
  ];
  // Ticks in whole seconds, or whole minutes from three minutes on.
  const minutes = end >= 180;
  const timeStep = minutes ? niceStep(end / 60, 6) * 60 : niceStep(end, 6);

  const panel = (index: number, name: string, series: Series[], shade?: [number, number]) => {
    const top = TOP + index * (PANEL + GAP);
    const bottom = top + PANEL;
    const max = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
    const step = niceStep(max);
    const y = (v: number) => bottom - (v / (Math.ceil(max / step) * step)) * PANEL;
    parts.push(`<text x="${LEFT}" y="${top - 8}" font-weight="600">${esc(name)}</text>`);
    if (shade) {
      parts.push(`<rect x="${x(shade[0])}" y="${top}" width="${x(shade[1]) - x(shade[0])}" height="${PANEL}" fill="#f3f4f6"/>`);
      parts.push(`<text x="${x(shade[1]) - 4}" y="${top + 14}" text-anchor="end" fill="#6b7280">leak check window</text>`);
    }
    for (let v = 0; v <= max + step / 2; v += step) {
      parts.push(`<line x1="${LEFT}" y1="${y(v)}" x2="${RIGHT}" y2="${y(v)}" stroke="#e5e7eb"/>`);
      parts.push(`<text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" fill="#6b7280">${fmt(v)}</text>`);
    }
    for (let t = 0; t <= end; t += timeStep) {
      parts.push(`<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${bottom}" stroke="#f3f4f6"/>`);
      const label = minutes ? `${fmt(t / 60)} min` : `${fmt(t)} s`;
      parts.push(`<text x="${x(t)}" y="${bottom + 15}" text-anchor="middle" fill="#6b7280">${label}</text>`);
    }
    parts.push(`<line x1="${LEFT}" y1="${bottom}" x2="${RIGHT}" y2="${bottom}" stroke="#9ca3af"/>`);
    series.forEach((s, i) => {
      const points = samples.map((p, k) => `${x(p.t).toFixed(1)},${y(s.values[k]).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      const ly = top + 14 + i * 18;
      parts.push(`<line x1="${RIGHT + 14}" y1="${ly - 4}" x2="${RIGHT + 34}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      parts.push(`<text x="${RIGHT + 40}" y="${ly}">${esc(s.label)}</text>`);
    });
    for (const p of samples) {
      if (p.newErrors > 0) parts.push(`<line x1="${x(p.t)}" y1="${top}" x2="${x(p.t)}" y2="${bottom}" stroke="#dc2626" stroke-width="1.5"><title>${p.newErrors} errors</title></line>`);
    }
  };

  const MB = 1024 * 1024;
  panel(0, 'server memory (MB)', [
    { label: 'RSS', color: '#d97706', values: samples.map((s) => s.rssBytes / MB) },
    { label: 'heap used', color: '#1d4ed8', values: samples.map((s) => s.heapUsedBytes / MB) },
  ], leakWindow);
  panel(1, 'deliveries per second', [
    { label: 'received', color: '#047857', values: samples.map((s) => s.deliveriesPerSecond) },
    { label: 'server sent', color: '#6b7280', values: samples.map((s) => s.serverMessagesPerSecond), dashed: true },
  ]);
  panel(2, 'held connections and subscriptions', [
    { label: 'connections', color: '#7c3aed', values: samples.map((s) => s.connections) },
    { label: 'subscriptions', color: '#0891b2', values: samples.map((s) => s.subscriptions), dashed: true },
  ]);
  if (samples.some((s) => s.newErrors > 0)) {
    parts.push(`<text x="${RIGHT + 14}" y="${height - 14}" fill="#dc2626">| errors</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
