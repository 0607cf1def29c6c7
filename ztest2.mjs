import Database from 'better-sqlite3';
import zlib from 'node:zlib';
const db = new Database('/tmp/conveyor-growth-25otOZ/conveyor.db', { readonly: true });
const dict = Buffer.from(`{"id":"","title":"","description":"","private":false,"creator":{"id":"","name":""},"org":"","createdAt":"20","clarifications":[{"questions":["",""],"answers":null}],"issue":{"number":1,"url":"https://"},"waiting":{"code":"no_agent_online","reason":"no agent of  is online","since":"20"},"status":"dispatched","stateValue":{"active":{"dispatched":"queued"}},"version":5,"updatedAt":"20","~":4094}{"$":{"status":"analyzing","stateValue":{"active":"analyzing"}}}{"status":"needs_clarification","stateValue":{"active":"needs_clarification"}}{"status":"received","stateValue":{"active":"received"}},"~":4094}{"^":31,"createdAt":"20`);
const views = db.prepare('select view v from tasks').all().map(r => r.v);
const states = db.prepare('select state v from log').all().map(r => r.v);
for (const opts of [{ level: 6 }, { level: 6, windowBits: 11, memLevel: 2 }, { level: 9, windowBits: 11, memLevel: 4 }, { level: 1, windowBits: 11, memLevel: 2 }, { level: 6, windowBits: 10, memLevel: 1 }]) {
  for (const [name, rows] of [['view', views], ['state', states]]) {
    let n = 0; const comp = [];
    const t0 = performance.now();
    for (const v of rows) { const c = zlib.deflateRawSync(v, { ...opts, dictionary: dict }); comp.push(c); n += c.length; }
    const t1 = performance.now();
    for (const c of comp) JSON.parse(zlib.inflateRawSync(c, { dictionary: dict, windowBits: opts.windowBits ?? 15 }).toString());
    const t2 = performance.now();
    for (const v of rows) JSON.parse(v);
    const t3 = performance.now();
    console.log(JSON.stringify(opts), name, 'size', (n / rows.length).toFixed(0), 'us/deflate', ((t1 - t0) * 1000 / rows.length).toFixed(1), 'us/inflate+parse', ((t2 - t1) * 1000 / rows.length).toFixed(1), 'us/parse', ((t3 - t2) * 1000 / rows.length).toFixed(1));
  }
}
