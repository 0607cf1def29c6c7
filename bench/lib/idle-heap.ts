/**
 * What an idle subscribed connection holds (issue 15: smaller idle connections): the real server
 * in this process, graphql-ws clients (loader.ts, the fan-out scenario's subscription) in another,
 * a heap snapshot after a full collection at FIRST and at SECOND connections, and, read once both
 * are taken, the difference
 * per connection by what V8 calls each object (its constructor, or its kind). Prints the top rows
 * and the total as JSON lines.
 *
 *   node --expose-gc dist/bench/lib/idle-heap.js [first=1000] [second=5000]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';

const first = Number(process.argv[2] ?? 1000);
const second = Number(process.argv[3] ?? 5000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const dir = mkdtempSync(join(tmpdir(), 'conveyor-idle-heap-'));
const app = await buildApp(loadConfigOrExit({ DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_ENV: 'production', JWT_SECRET: process.env.JWT_SECRET }));
const url = await app.start(0);
const token = await app.auth.sign({ id: 'acme/bench', name: 'Bench', org: 'acme' }, Date.now() + 3_600_000);

/** Open `connections` more subscribed connections from a loader process; resolves once all are open. */
function open(connections: number, offset: number): Promise<void> {
  const argsFile = join(dir, `loader-${offset}.json`);
  writeFileSync(argsFile, JSON.stringify({ kind: 'conveyor', url, connections, offset, token, after: '0' }));
  const child = fork(new URL('./loader.js', import.meta.url).pathname, [argsFile], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type: string; error?: string }) => (m.type === 'ready' ? resolve() : m.type === 'error' && reject(new Error(m.error))));
  });
}
const children: ReturnType<typeof fork>[] = [];

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type Census = Map<string, { bytes: number; count: number }>;

/**
 * Bytes and objects after a full collection, two ways: by what each object is (its kind, and
 * for objects and closures its name), and by what holds it (the first retainer's name and the
 * edge's: `array <- object Set.table`), which says whose an anonymous array or context is.
 */
/** A heap snapshot after a full collection; read later, once nothing is measured any more. */
async function snapshot(label: string): Promise<string> {
  await new Promise((r) => setTimeout(r, 1500));
  gc!();
  gc!();
  return writeHeapSnapshot(join(dir, `${label}.heapsnapshot`));
}

function census(file: string): { byName: Census; byHolder: Census } {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  rmSync(file);
  const { node_fields: fields, node_types, edge_fields: edgeFields, edge_types } = snap.snapshot.meta;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => fields.indexOf(f));
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => edgeFields.indexOf(f));
  const types = node_types[0];
  const edgeTypes = edge_types[0];
  const nameOf = (i: number) => {
    const type = types[snap.nodes[i + typeAt]];
    // Strings and code by kind only; objects and closures by name.
    return type === 'object' || type === 'closure' || type === 'array' || type === 'hidden' ? `${type} ${snap.strings[snap.nodes[i + nameAt]]}` : type;
  };
  const holder = new Map<number, string>();
  for (let i = 0, e = 0; i < snap.nodes.length; i += fields.length) {
    for (let k = 0; k < snap.nodes[i + edgeCountAt]; k++, e += edgeFields.length) {
      const to = snap.edges[e + toAt];
      if (holder.has(to)) continue;
      const edgeType = edgeTypes[snap.edges[e + edgeTypeAt]];
      if (edgeType === 'weak' || edgeType === 'shortcut') continue;
      const edgeName = edgeType === 'element' || edgeType === 'hidden' ? '#' : snap.strings[snap.edges[e + edgeNameAt]];
      holder.set(to, `${nameOf(i)}.${edgeName}`);
    }
  }
  const byName: Census = new Map();
  const byHolder: Census = new Map();
  const add = (census: Census, key: string, bytes: number) => {
    const row = census.get(key) ?? { bytes: 0, count: 0 };
    row.bytes += bytes;
    row.count++;
    census.set(key, row);
  };
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const bytes = snap.nodes[i + sizeAt];
    add(byName, nameOf(i), bytes);
    add(byHolder, `${nameOf(i)} <- ${holder.get(i) ?? '(root)'}`, bytes);
  }
  return { byName, byHolder };
}

/** The difference per added connection, largest first. */
function perConnection(a: Census, b: Census, added: number) {
  const rows = [...b].map(([name, { bytes, count }]) => {
    const before = a.get(name) ?? { bytes: 0, count: 0 };
    return { name, bytesPerConnection: (bytes - before.bytes) / added, objectsPerConnection: (count - before.count) / added };
  });
  return rows.sort((x, y) => y.bytesPerConnection - x.bytesPerConnection);
}

await open(first, 0);
const firstFile = await snapshot('first');
await open(second - first, first);
const secondFile = await snapshot('second');
for (const child of children) child.kill();
await app.stop();
// Read after both are taken: a census held in memory while the second snapshot is taken would
// be counted in it as if connections held it.
const a = census(firstFile);
const b = census(secondFile);
const added = second - first;
const print = (row: { name: string; bytesPerConnection: number; objectsPerConnection: number }) =>
  console.log(JSON.stringify({ ...row, bytesPerConnection: Math.round(row.bytesPerConnection), objectsPerConnection: Number(row.objectsPerConnection.toFixed(2)) }));
const byName = perConnection(a.byName, b.byName, added);
byName.slice(0, 25).forEach(print);
console.log('--- by holder');
perConnection(a.byHolder, b.byHolder, added).slice(0, Number(process.env.IDLE_HEAP_ROWS ?? 40)).forEach(print);
const total = byName.reduce((sum, r) => sum + r.bytesPerConnection, 0);
console.log(JSON.stringify({ heapBytesPerConnection: Math.round(total), first, second }));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
