// Builds dist/ with tsc, and says whether a build is needed: `npm start` builds only when a source is newer
// than the last build, so a start after a build takes seconds. Plain JavaScript: it runs before anything
// is compiled. `node scripts/build.mjs` builds unconditionally (npm run build).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written after every successful build, with the time the build started (edits made during it count). */
const STAMP = join(ROOT, 'dist', '.built');
const SOURCE_DIRS = ['src', 'views', 'listeners', 'jobs'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than any source. */
export function buildIsStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const sources = [
    ...SOURCE_DIRS.map((d) => newestIn(join(ROOT, d))),
    ...SOURCE_FILES.map((f) => join(ROOT, f))
      .filter(existsSync)
      .map((f) => statSync(f).mtimeMs),
  ];
  return Math.max(...sources) > built;
}

/**
 * Runs tsc (incremental: only what changed is compiled again); resolves with its exit code. `onChild`
 * receives the compiler's process, so a launcher stopped by a signal can stop it too.
 */
export function build(onChild = () => undefined) {
  const started = new Date();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('Cannot build: TypeScript is not installed. Run `npm install` first.\n');
    return Promise.resolve(1);
  }
  const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  onChild(child);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      if (code === 0) {
        closeSync(openSync(STAMP, 'a'));
        utimesSync(STAMP, started, started);
      }
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await build();
