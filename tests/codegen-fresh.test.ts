import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');

describe('generated resolver types', () => {
  it('when codegen runs on schema.graphql, then the committed src/generated/graphql.ts is identical (npm run codegen)', () => {
    const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'codegen.yml'), 'utf8'));
    const [target, output] = Object.entries(config.generates)[0] as [string, object];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
    const tmpOut = path.join(dir, 'graphql.ts');
    const tmpConfig = path.join(dir, 'codegen.yml');
    fs.writeFileSync(tmpConfig, YAML.stringify({ ...config, generates: { [tmpOut]: output } }));
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', tmpConfig, '--silent'],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
    const expected = fs.readFileSync(tmpOut, 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, target), 'utf8');
    expect(committed === expected ? 'fresh' : `stale: run npm run codegen and commit ${target}`).toBe(
      'fresh',
    );
  });
});
