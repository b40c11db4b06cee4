import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../RESULTS.md');

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length}x ${cpus[0]?.model.replace(/\s+\d+-Core.*$/, '').trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** Appends one scenario's figures to test/RESULTS.md (a table row; newest last). */
export function recordResult(scenario: string, passed: boolean, figures: Record<string, string | number>, note = ''): void {
  if (!existsSync(FILE)) {
    writeFileSync(
      FILE,
      '# Resilience results\n\nAppended by `npm run test:resilience` (test/resilience/*.spec.ts); newest last.\n\n' +
        '| date (UTC) | scenario | held | figures | note | machine |\n| --- | --- | --- | --- | --- | --- |\n',
    );
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const figs = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  appendFileSync(FILE, `| ${date} | ${scenario} | ${passed ? 'yes' : 'NO'} | ${figs} | ${note.replace(/\|/g, '/')} | ${machine()} |\n`);
}
