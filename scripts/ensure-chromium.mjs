#!/usr/bin/env node
// Before `npm test`: the console's browser tests drive a real Chromium. Nothing downloads a browser at install
// time; this uses Debian's `chromium` package, installing it (and a font with Chinese glyphs, for the Chinese
// screens and their screenshots) when it is missing and we may (root with apt-get). Otherwise it says what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const log = (m) => console.log(`[browser] ${m}`);
const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

function hasCjkFont() {
  const r = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

function aptInstall(packages) {
  log(`installing ${packages.join(', ')} with apt-get (about a minute)…`);
  const run = (args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (run(['install', '-y', '--no-install-recommends', ...packages])) return true;
  log('apt-get install failed; updating the package lists and trying again');
  return run(['update']) && run(['install', '-y', '--no-install-recommends', ...packages]);
}

const missing = [];
if (!existsSync(path)) missing.push('chromium');
if (!hasCjkFont()) missing.push('fonts-wqy-microhei');

if (missing.length && isRoot && hasApt && !process.env.CHROMIUM_PATH) {
  if (!aptInstall(missing) && missing.includes('chromium')) {
    console.error(
      "[browser] could not install Debian's chromium package; install it by hand (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.",
    );
    process.exit(1);
  }
} else if (!existsSync(path)) {
  console.error(
    `[browser] the console's browser tests need Chromium at ${path}.\n` +
      `  Install Debian's package (sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
  process.exit(1);
} else if (missing.includes('fonts-wqy-microhei')) {
  log('no font with Chinese glyphs found: Chinese screenshots will show boxes (apt-get install fonts-wqy-microhei)');
}

try {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  log(`using ${version} (${path})`);
} catch (e) {
  console.error(`[browser] ${path} does not run: ${e.message}`);
  process.exit(1);
}
