/** A small SVG of commit → receive latency percentiles per server (log scale), no dependencies. */
interface Row {
  server: string;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function renderSvg(rows: Row[]): string {
  const width = 720;
  const rowHeight = 46;
  const height = 70 + rows.length * rowHeight;
  const left = 110;
  const right = width - 30;
  const min = 0.1;
  const max = Math.max(10, ...rows.map((r) => r.max || 0)) * 1.2;
  const x = (ms: number) => left + ((Math.log10(Math.max(min, ms)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * (right - left);
  const ticks = [0.1, 1, 10, 100, 1000, 10_000, 100_000].filter((t) => t <= max);
  const colors = { p50: '#1d4ed8', p90: '#0f766e', p99: '#b45309', max: '#b91c1c' } as const;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">commit → receive latency (ms, log scale)</text>`,
    ...ticks.map((t) => `<line x1="${x(t)}" y1="32" x2="${x(t)}" y2="${height - 20}" stroke="#e5e7eb"/><text x="${x(t)}" y="${height - 6}" text-anchor="middle" fill="#6b7280">${t}</text>`),
  ];
  rows.forEach((r, i) => {
    const y = 50 + i * rowHeight;
    parts.push(`<text x="8" y="${y + 14}" font-weight="600">${r.server}</text>`);
    parts.push(`<line x1="${x(r.p50)}" y1="${y + 10}" x2="${x(r.max)}" y2="${y + 10}" stroke="#9ca3af" stroke-width="2"/>`);
    for (const key of ['p50', 'p90', 'p99', 'max'] as const) {
      if (!Number.isFinite(r[key])) continue;
      parts.push(`<circle cx="${x(r[key])}" cy="${y + 10}" r="5" fill="${colors[key]}"><title>${key} ${r[key].toFixed(1)} ms</title></circle>`);
    }
  });
  parts.push(
    ...(['p50', 'p90', 'p99', 'max'] as const).map((k, i) => `<circle cx="${left + 220 + i * 70}" cy="16" r="5" fill="${colors[k]}"/><text x="${left + 230 + i * 70}" y="20">${k}</text>`),
    '</svg>',
  );
  return parts.join('\n');
}
