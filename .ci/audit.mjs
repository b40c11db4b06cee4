// Fails CI on any high or critical advisory in production dependencies (npm audit --omit=dev).
// Skips (loudly) only when the registry has no audit endpoint (some mirrors answer 404, 405 or 501); a time-out,
// a network failure or any other error fails the run, so a broken audit can never pass for a clean one.
import { spawnSync } from 'node:child_process';

const r = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', timeout: 180_000 });
if (r.error || r.signal) {
  console.error(`ci: dependency audit did not finish (${r.error?.message ?? r.signal}); failing`);
  process.exit(1);
}
let report;
try {
  report = JSON.parse(r.stdout || '');
} catch {
  console.error(`ci: dependency audit printed no report (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  process.exit(1);
}
const NO_AUDIT_ENDPOINT = new Set([404, 405, 501]);
if (report.error) {
  if (NO_AUDIT_ENDPOINT.has(report.statusCode)) {
    console.log(`ci: WARNING this registry has no audit endpoint (HTTP ${report.statusCode}); dependency audit skipped`);
    process.exit(0);
  }
  console.error(`ci: dependency audit failed: ${report.error.summary ?? report.message ?? JSON.stringify(report.error)}`);
  process.exit(1);
}
const v = report.metadata?.vulnerabilities;
if (!v) {
  console.error('ci: dependency audit report has no vulnerability counts; failing');
  process.exit(1);
}
const serious = (v.high ?? 0) + (v.critical ?? 0);
console.log(`ci: dependency audit: ${JSON.stringify(v)}`);
if (serious > 0) {
  console.error(`ci: ${serious} high/critical advisories in production dependencies; run npm audit --omit=dev`);
  process.exit(1);
}
