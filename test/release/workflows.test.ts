/**
 * The GitHub workflows (tests, the release pipeline, the weekly dependency update) and the GitHub CI recipe users copy, checked against GitHub's workflow
 * schema by action-validator (offline: a WebAssembly build of the validator).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { expect } from 'chai';
import { REPO_ROOT } from '../e2e/harness.js';

const workflows = readdirSync(join(REPO_ROOT, '.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join('.github', 'workflows', f));

describe('release: workflow files', () => {
  it('the validator rejects a workflow that is not one', () => {
    const { errors } = validateWorkflow('on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz: []\n');
    expect(errors).to.not.deep.equal([]);
  });

  for (const file of [...workflows, join('examples', 'ci', 'github-actions.yml')]) {
    it(`${file} is a valid GitHub workflow`, () => {
      const { errors } = validateWorkflow(readFileSync(join(REPO_ROOT, file), 'utf8'));
      expect(errors, JSON.stringify(errors, null, 2)).to.deep.equal([]);
    });
  }

  it('tests on Node 22 and 24, on Linux and Windows', () => {
    const text = readFileSync(join(REPO_ROOT, '.github', 'workflows', 'test.yml'), 'utf8');
    expect(text).to.match(/os: \[ubuntu-latest, windows-latest\]/);
    expect(text).to.match(/node: \['22', '24'\]/);
  });

  it('publishes with provenance on a version tag', () => {
    const text = readFileSync(join(REPO_ROOT, '.github', 'workflows', 'release.yml'), 'utf8');
    expect(text).to.match(/tags: \['v\*'\]/);
    expect(text).to.include('id-token: write');
    expect(text).to.include('npm publish --provenance');
  });

  it('bumps the dependencies weekly (and on demand), bundles, tests, and opens a pull request only after that', () => {
    const text = readFileSync(join(REPO_ROOT, '.github', 'workflows', 'dependencies.yml'), 'utf8');
    expect(text).to.match(/schedule:\n\s+- cron: '[\d*]+ [\d*]+ \* \* [0-6]'/);
    expect(text).to.include('workflow_dispatch:');
    const steps = text.slice(text.indexOf('\njobs:'));
    const order = ['npm-check-updates', 'npm update', 'run: npm run build', 'run: npm test', 'gh pr create'].map((s) => steps.indexOf(s));
    expect(order.every((at) => at >= 0), 'every step is there').to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    // The pinned (patched) packages are bumped by name: whatever package.json pins exactly.
    expect(text).to.match(/--filter "\$pinned"/);
  });
});
