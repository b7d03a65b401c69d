#!/usr/bin/env node
// `npm start`: builds the POS (renderer, and the Electron main when Electron is
// installed), the online shop, the clerk tablet and the HQ console, then runs
// the demo store, whose sync server serves the shop at /shop/, the tablet at
// /tablet/ and the console at /console/.
// See apps/pos/src/demo/start-demo.ts.
import { spawn, spawnSync } from 'node:child_process';

const run = (args) => {
  const result = spawnSync('npm', args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['run', '--silent', 'build', '-w', 'apps/pos']);
run(['run', '--silent', 'build', '-w', 'apps/shop']);
run(['run', '--silent', 'build', '-w', 'apps/tablet']);
run(['run', '--silent', 'build', '-w', 'apps/console']);
// One Node process runs the demo (tsx as a loader, no wrapper processes), so
// a signal reaches it: Ctrl-C reaches it directly (same process group), and a
// SIGTERM or SIGHUP sent to this process alone (a service manager, `timeout`)
// is passed on as SIGTERM. Either way it stops everything and exits.
const demo = spawn(process.execPath, ['--import', 'tsx', 'apps/pos/src/demo/start-demo.ts'], {
  stdio: 'inherit',
});
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => demo.kill('SIGTERM'));
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
