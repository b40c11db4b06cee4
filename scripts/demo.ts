import { DEFAULT_ADMIN, DemoSetupError, loadDemo, renderSummary, type DemoOptions } from './demo/loader.js';

/**
 * `npm run demo [-- --learners 3000 --seed 42 --batch 1000 --resume]`: loads the demo school into a running
 * careloop over HTTP. A command-line client, not part of the app, so it reads its own environment:
 *   CARELOOP_URL              where careloop listens (default http://localhost:3000)
 *   BOOTSTRAP_ADMIN_EMAIL     the admin to log in as (default admin@careloop.local, the admin npm start creates in development) — the same variables
 *   BOOTSTRAP_ADMIN_PASSWORD  the server uses to create its first admin (default careloop-admin)
 *   SCHOOL_TIMEZONE           the server's school time zone (default Asia/Shanghai)
 */
const USAGE = `usage: npm run demo -- [--learners N (default 3000)] [--seed N (default 20260101)] [--batch N (≤ 1000)] [--concurrency N (default 3)] [--resume] [--wait SECONDS]`;

function parse(argv: string[]): Partial<DemoOptions> & { help?: boolean } {
  const out: Partial<DemoOptions> & { help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new DemoSetupError(`${flag} needs a whole number\n${USAGE}`);
      return Number(v);
    };
    switch (flag) {
      case '--learners':
        out.learners = value();
        break;
      case '--seed':
        out.seed = value();
        break;
      case '--batch':
        out.batchSize = value();
        break;
      case '--concurrency':
        out.concurrency = value();
        break;
      case '--wait':
        out.waitTimeoutMs = value() * 1000;
        break;
      case '--resume':
        out.resume = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new DemoSetupError(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (out.learners !== undefined && (out.learners < 1 || out.learners > 99_999)) throw new DemoSetupError('--learners must be from 1 to 99999');
  if (out.batchSize !== undefined && (out.batchSize < 1 || out.batchSize > 1000)) throw new DemoSetupError('--batch must be from 1 to 1000');
  if (out.concurrency !== undefined && (out.concurrency < 1 || out.concurrency > 16)) throw new DemoSetupError('--concurrency must be from 1 to 16');
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const env = (name: string) => (process.env[name]?.trim() ? process.env[name]!.trim() : undefined);
  const opts: DemoOptions = {
    baseUrl: env('CARELOOP_URL') ?? 'http://localhost:3000',
    adminEmail: env('BOOTSTRAP_ADMIN_EMAIL') ?? DEFAULT_ADMIN.email,
    adminPassword: env('BOOTSTRAP_ADMIN_PASSWORD') ?? DEFAULT_ADMIN.password,
    schoolTimezone: env('SCHOOL_TIMEZONE') ?? 'Asia/Shanghai',
    learners: args.learners ?? 3000,
    seed: args.seed ?? 20260101,
    batchSize: args.batchSize ?? 1000,
    concurrency: args.concurrency ?? 3,
    resume: args.resume ?? false,
    waitTimeoutMs: args.waitTimeoutMs ?? 300_000,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  opts.log(`careloop demo → ${opts.baseUrl}`);
  const result = await loadDemo(opts);
  console.log(renderSummary(result, opts));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof DemoSetupError ? `\n${e.message}\n` : e);
    process.exit(1);
  },
);
