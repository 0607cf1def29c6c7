// Fails when generated code is out of date with the SDL or the client documents: regenerates
// into the working tree and compares with what was there. The regenerated files are left in
// place, so `git diff` shows what to commit.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outputs = ['src/schema/generated', 'client/src/gql'].filter((p) => existsSync(p));
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
const read = () => new Map(outputs.flatMap(files).map((f) => [f, readFileSync(f, 'utf8')]));

const before = read();
execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], { stdio: 'inherit' });
const after = read();
const stale = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
if (stale.length > 0) {
  console.error(`Generated code was out of date (now regenerated; commit it):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
console.log(`codegen: ${after.size} generated files up to date`);
