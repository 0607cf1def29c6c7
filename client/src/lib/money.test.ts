import { describe, expect, it } from 'vitest';
import { formatCost, formatTokens, parseCost } from './money';

describe('money and tokens', () => {
  it('formats micro-units and token counts', () => {
    expect(formatCost(5_100)).toBe('0.0051');
    expect(formatCost(0)).toBe('0.0000');
    expect(formatCost(12_400_000)).toBe('12.40');
    expect(formatCost(1_234_567_000_000)).toBe('1,234,567.00');
    expect([950, 1_234, 12_345, 4_100_000].map(formatTokens)).toEqual(['950', '1.2k', '12k', '4.1M']);
  });

  it('reads a typed budget exactly, or says what is wrong', () => {
    expect(parseCost('2.50')).toBe(2_500_000);
    expect(parseCost(' 0.000001 ')).toBe(1);
    expect(parseCost('3')).toBe(3_000_000);
    for (const bad of ['', '-1', '1,5', '0.0000001', 'abc']) expect(typeof parseCost(bad)).toBe('string');
    expect(parseCost('99999999999')).toBe('That amount is too large.');
  });
});
