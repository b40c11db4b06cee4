import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { TestApp } from '../../libs/testing/index.js';

/**
 * The console's API client is typed by apps/console/src/api/schema.d.ts, generated from the OpenAPI document the
 * running API publishes. This fails when the two differ, so the UI cannot drift from the API: regenerate with
 * `npm run console:api` (which runs this file with CONSOLE_API_UPDATE=1) and commit the result.
 */
const SCHEMA_FILE = 'apps/console/src/api/schema.d.ts';
const HEADER =
  "/**\n * Generated from the API's OpenAPI document (/docs-json) by `npm run console:api`. Do not edit by hand:\n * test/console/api-types.e2e-spec.ts fails when this file and the running API differ.\n */\n\n";

describe('console API types', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('match the OpenAPI document the running API publishes', async () => {
    const doc = (await app.http().get('/docs-json').expect(200)).body;
    const generated = HEADER + astToString(await openapiTS(doc, { alphabetize: false }));
    if (process.env.CONSOLE_API_UPDATE === '1') {
      writeFileSync(SCHEMA_FILE, generated);
      console.log(`wrote ${SCHEMA_FILE} (${generated.length} characters)`);
    }
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== generated) {
      throw new Error(`${SCHEMA_FILE} differs from the running API's OpenAPI document: run \`npm run console:api\` and commit the file`);
    }
  }, 60_000);
});
