import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/env.js';
import { mkdtempSync } from 'node:fs';
const app = buildApp(loadConfig({ DATA_DIR: mkdtempSync('/tmp/cvp-'), LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(40) }));
await app.start(0);
const viewer = { id: 'u', name: 'U', org: 'o' };
let t = performance.now();
await Promise.all(Array.from({ length: 10000 }, (_, i) => app.services.tasks.create(viewer, { title: 't' + i, description: 'Add a dark theme toggle to the settings page, persisted per user.' })));
console.log('create 10k', Math.round(performance.now() - t), 'ms');
for (let i = 0; i < 40; i++) { await new Promise(r => setTimeout(r, 250)); const h = await app.services.store.head(); if (i % 4 == 0) console.log('head', h, Math.round(performance.now() - t)); if (h >= 40000) break; }
console.log('all 40k events', Math.round(performance.now() - t), 'ms');
await app.stop();
