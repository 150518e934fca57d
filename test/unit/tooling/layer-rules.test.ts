// The layer rules (.dependency-cruiser.cjs) bite: a small tree with one import of each kind the
// house forbids is refused by name, and the same tree without them passes. `npm run layers`
// checks the real src/.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Jest runs from the repository's root. */
const repo = process.cwd();

/** Runs depcruise with the house rules on `files` (path → source) and returns the rule names it reports. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-layers-'));
  try {
    cpSync(join(repo, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const bin = join(repo, 'node_modules/.bin/depcruise');
    const out = await run(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: dir }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
    );
    const report = JSON.parse(out.stdout) as { summary: { violations: { rule: { name: string } }[] } };
    return [...new Set(report.summary.violations.map((v) => v.rule.name))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const clean: Record<string, string> = {
  'src/domain/rule.ts': 'export const rule = 1;\n',
  'src/services/service.ts': "import { rule } from '../domain/rule.js';\nexport const service = rule;\n",
  'src/delivery/send.ts': "import { service } from '../services/service.js';\nexport const send = service;\n",
  'src/slack/handler.ts': "import { service } from '../services/service.js';\nexport const handler = service;\n",
};

describe('layer rules', () => {
  it('pass a tree whose imports point down', async () => {
    expect(await violations(clean)).toEqual([]);
  });

  it('refuse I/O in the domain, an upward import, delivery using the Slack app, and a cycle', async () => {
    const found = await violations({
      ...clean,
      'src/domain/reads-files.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      'src/store/store.ts': "import { service } from '../services/service.js';\nexport const store = service;\n",
      'src/delivery/send.ts': "import { handler } from '../slack/handler.js';\nexport const send = handler;\n",
      'src/services/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/services/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(found).toEqual(expect.arrayContaining(['adapters-not-to-services', 'delivery-not-to-slack-ui', 'domain-is-pure', 'no-circular', 'outside-not-to-slack']));
  });
});
