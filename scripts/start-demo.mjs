#!/usr/bin/env node
// `npm start`: builds the POS (renderer, and the Electron main when Electron is
// installed), the online shop, the clerk tablet and the HQ console, then runs
// the demo store, whose sync server serves the shop at /shop/, the tablet at
// /tablet/ and the console at /console/.
// See apps/pos/src/demo/start-demo.ts.
import { spawnSync } from 'node:child_process';

const run = (args) => {
  const result = spawnSync('npm', args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['run', '--silent', 'build', '-w', 'apps/pos']);
run(['run', '--silent', 'build', '-w', 'apps/shop']);
run(['run', '--silent', 'build', '-w', 'apps/tablet']);
run(['run', '--silent', 'build', '-w', 'apps/console']);
// Ctrl-C reaches the demo too (same process group); it stops everything and exits.
process.on('SIGINT', () => {});
const demo = spawnSync('npx', ['tsx', 'apps/pos/src/demo/start-demo.ts'], { stdio: 'inherit' });
process.exit(demo.status ?? 0);
