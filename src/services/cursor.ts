import { badInput } from '../errors.js';

/** Log cursors are opaque strings to clients; today they are the decimal log position. */
export function formatCursor(cursor: number): string {
  return String(cursor);
}

export function parseCursor(value: string | null | undefined, argument = 'after'): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) {
    throw badInput(`"${argument}" is not a cursor this server issued`, { argument });
  }
  return Number(value);
}
