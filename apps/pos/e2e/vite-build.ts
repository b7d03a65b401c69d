/**
 * A production build of one web app with Vite, as a child process that the
 * end-to-end global setup runs beside the other apps' builds. Its output is
 * shown when it fails (four builds writing at once would interleave).
 */
import { spawn } from 'node:child_process';

export function viteBuild(appDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vite', 'build'], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        console.log(`built ${appDir}`);
        resolve();
      } else reject(new Error(`vite build in ${appDir} exited with ${code}:\n${output}`));
    });
  });
}
