/**
 * Codes in one place (issue 13): src/shared/codes.ts is the only definition of the codes on the
 * wire. This checks that the docs, the README and the fuzz tests' list agree with it, and that
 * no code or close code is written as a literal anywhere else in src/ or client/src/ (tests keep
 * literals: they assert the wire value), so a new code cannot bypass the enum unnoticed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CloseCode, ERROR_CODES, ErrorCode } from '../../src/shared/codes.js';
import { DOCUMENTED_CODES } from '../fuzz/codes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const CODES = Object.values(ErrorCode);

/** The rows of the markdown tables in `section` (cells trimmed, header and rule rows skipped). */
function tableRows(markdown: string, section: string): string[][] {
  const start = markdown.indexOf(`## ${section}`);
  expect(start, `section "${section}"`).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
}

describe('the code enums', () => {
  it('each ErrorCode is its own name and has a tier', () => {
    for (const [name, value] of Object.entries(ErrorCode)) expect(value).toBe(name);
    expect(Object.keys(ERROR_CODES).sort()).toEqual([...CODES].sort());
  });

  it('the fuzz tests accept exactly the codes of the enum', () => {
    expect([...DOCUMENTED_CODES].sort()).toEqual([...CODES].sort());
  });

  it("docs/design.md lists every code with its tier and HTTP status, and every close code", () => {
    const rows = tableRows(read('docs/design.md'), 'Errors in tiers');
    const codeRows = new Map(rows.filter((r) => /^`[A-Z_]+`$/.test(r[0])).map((r) => [r[0].slice(1, -1), r]));
    expect([...codeRows.keys()].sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const [, tier, status] = codeRows.get(code)!;
      expect(tier, code).toBe(ERROR_CODES[code].tier);
      const fixed = ERROR_CODES[code].status;
      if (fixed !== undefined) expect(status, code).toBe(String(fixed));
    }
    const closeRows = rows.filter((r) => /^\d{4}$/.test(r[0])).map((r) => [Number(r[0]), r[1].replace(/`/g, '')]);
    expect(closeRows.sort()).toEqual(Object.entries(CloseCode).map(([name, value]) => [value, name]).sort());
  });

  it('the README names every code', () => {
    const readme = read('README.md');
    expect(CODES.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});

const CLOSE_CODES = new Set<number>(Object.values(CloseCode));

/** Where `source` spells a code or close code itself instead of using src/shared/codes.ts. */
export function literalCodes(file: string, source: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const at = (node: ts.Node, what: string) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push(`${file}:${line + 1}: ${what}`);
  };
  const isText = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral =>
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
  const nameOf = (node: ts.Node) => (ts.isIdentifier(node) || ts.isStringLiteral(node) ? node.text : undefined);
  const visit = (node: ts.Node) => {
    if (isText(node) && (CODES as string[]).includes(node.text)) at(node, `code '${node.text}'`);
    // A new code, not in the enum: `extensions: { code: 'X' }`, `new DomainError('X', …)`, `metrics.error('X')`.
    if (ts.isPropertyAssignment(node) && nameOf(node.name) === 'code' && isText(node.initializer)) {
      const owner = node.parent.parent;
      if (ts.isPropertyAssignment(owner) && nameOf(owner.name) === 'extensions') at(node, `extensions.code '${node.initializer.text}'`);
    }
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments?.length && isText(node.arguments[0])) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee) ? `${callee.expression.getText(sf)}.${callee.name.text}` : callee.getText(sf);
      if (name === 'DomainError' || /(^|\.)metrics\.error$/.test(name)) at(node, `${name}('${node.arguments[0].text}')`);
    }
    // Close codes: a known one anywhere, any number given to .close(), readyState against a number.
    if (ts.isNumericLiteral(node) && CLOSE_CODES.has(Number(node.text))) at(node, `close code ${node.text}`);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'close') {
      const first = node.arguments[0];
      if (first && ts.isNumericLiteral(first) && !CLOSE_CODES.has(Number(first.text))) at(first, `close(${first.text})`);
    }
    if (ts.isBinaryExpression(node)) {
      const sides = [node.left, node.right];
      const state = sides.some((side) => ts.isPropertyAccessExpression(side) && side.name.text === 'readyState');
      const number = sides.find((side) => ts.isNumericLiteral(side));
      if (state && number) at(number, `readyState compared with ${number.getText(sf)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !/^(src\/shared\/codes\.ts|src\/schema\/generated\/|client\/src\/gql\/)/.test(file));
}

describe('no code literals outside src/shared/codes.ts', () => {
  it('finds what it looks for', () => {
    const sample = `
      new GraphQLError('x', { extensions: { code: 'BRAND_NEW_CODE' } });
      if (error.code === 'CONFLICT') socket.close(1009, 'big');
      throw new DomainError('ANOTHER_NEW', 'x');
      metrics.error('THIRD_NEW');
      socket.close(4999, 'new close code');
      if (socket.readyState !== 1) return;
      // 4403 in a comment is prose; so is 'FORBIDDEN' here.
      if (error.code === 'SQLITE_FULL') socket.close(CloseCode.Forbidden, 'fine');
    `;
    expect(literalCodes('sample.ts', sample).map((f) => f.replace(/^sample\.ts:\d+: /, ''))).toEqual([
      "extensions.code 'BRAND_NEW_CODE'",
      "code 'CONFLICT'",
      'close code 1009',
      "DomainError('ANOTHER_NEW')",
      "metrics.error('THIRD_NEW')",
      'close(4999)',
      'readyState compared with 1',
    ]);
  });

  it('src/ and client/src/ have none', () => {
    const files = [...sources('src'), ...sources('client/src')];
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => literalCodes(file, read(file)))).toEqual([]);
  });
});
