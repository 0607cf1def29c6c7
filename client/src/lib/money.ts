/**
 * Money and tokens as the dashboard shows them. Money is stored in micro-units of the org's
 * currency (1,000,000 = one unit), so sums stay exact.
 */

/** "0.0051", "12.40": four decimals below one unit (LLM calls cost fractions of a cent), else two. */
export function formatCost(micros: number): string {
  const units = micros / 1e6;
  return units < 1 ? units.toFixed(4) : units.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** "950", "12.3k", "4.1M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

/** A budget typed in units ("2.50") as micro-units, or what is wrong with it. */
export function parseCost(text: string): number | string {
  const t = text.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(t)) return 'Type an amount like 2.50 (up to six decimals).';
  const [whole, fraction = ''] = t.split('.');
  const micros = Number(whole) * 1e6 + Number(fraction.padEnd(6, '0'));
  if (!Number.isSafeInteger(micros) || micros > 1e15) return 'That amount is too large.';
  return micros;
}
