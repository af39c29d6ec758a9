/**
 * The corrections the bundle applies to dependencies (scripts/patches/, applied by scripts/bundle.ts): each applies to
 * the installed version of its package, that version is the one package.json pins exactly (and package-lock's root
 * agrees), and a patch that no longer matches fails with a message naming the patch, the package version and the
 * file. Also: the package entry gives a TypeScript consumer nothing it cannot resolve without dependencies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';
import { applyPatch, owningPackage, patchesOf, PatchError, pinnedVersion, type SourcePatch } from '../../scripts/patches/source-patch.js';
import { REPO_ROOT } from '../e2e/harness.js';

const PATCHES_DIR = join(REPO_ROOT, 'scripts', 'patches');

async function loadPatches(): Promise<SourcePatch[]> {
  const all: SourcePatch[] = [];
  for (const file of readdirSync(PATCHES_DIR).filter((f) => f.endsWith('.ts')).sort()) {
     
    all.push(...patchesOf((await import(pathToFileURL(join(PATCHES_DIR, file)).href)) as Record<string, unknown>));
  }
  return all;
}

/** The installed files of `pkg` (as the bundle resolves it from the repository) that `patch.file` matches. */
function patchedFiles(patch: SourcePatch): string[] {
  const dir = join(REPO_ROOT, 'node_modules', ...patch.package.split('/'));
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.slice(dir.length).includes(`${sep}node_modules`))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => patch.file.test(path));
}

const sample: SourcePatch = {
  name: 'sample',
  why: 'a test',
  package: 'some-package',
  file: /some-package[\\/]index\.js$/,
  edits: [{ find: 'const a = 1;', replace: 'const a = 2;' }],
};

describe('release: the bundle patches', () => {
  let patches: SourcePatch[];
  before(async () => {
    patches = await loadPatches();
  });

  it('loads every patch of scripts/patches/, once, with unique names', () => {
    const names = patches.map((p) => p.name);
    expect(names).to.include.members(['pino-worker-paths', 'core-transform-stream-path', 'sf-plugins-core-messages']);
    expect(new Set(names).size).to.equal(names.length);
    for (const p of patches) expect(p.why, p.name).to.match(/\w/);
  });

  it('each applies to the installed version of its package', () => {
    for (const patch of patches) {
      const files = patchedFiles(patch);
      expect(files, `${patch.name}: no installed file of ${patch.package} matches ${String(patch.file)}`).to.not.be.empty;
      for (const path of files) {
        const owner = owningPackage(path, patch.package);
        expect(owner, path).to.not.equal(undefined);
        const source = readFileSync(path, 'utf8');
        const patched = applyPatch(patch, source, path, owner!.version);
        expect(patched, `${patch.name} changed nothing in ${path}`).to.not.equal(source);
      }
    }
  });

  it('each patched package is pinned exactly, to the installed version, in package.json and package-lock.json', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { devDependencies?: Record<string, string> }>;
    };
    for (const name of new Set(patches.map((p) => p.package))) {
      const pin = pinnedVersion(REPO_ROOT, name);
      expect(pin.problem, name).to.equal(undefined);
      const installed = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version: string }).version;
      expect(pin.version, `${name}: pinned vs installed`).to.equal(installed);
      expect(lock.packages[''].devDependencies?.[name], `${name} in package-lock.json`).to.equal(pin.version);
    }
  });

  it('a patch whose text moved fails naming the patch, the package version and the file', () => {
    const path = '/x/node_modules/some-package/index.js';
    expect(() => applyPatch(sample, 'const a = 3;', path, '1.2.3'))
      .to.throw(PatchError)
      .with.property('message')
      .that.includes('"sample"')
      .and.includes('some-package@1.2.3')
      .and.includes(path)
      .and.includes('occurs 0 time(s), expected 1');
    expect(() => applyPatch(sample, 'const a = 1;\nconst a = 1;', path, '1.2.3')).to.throw(/occurs 2 time\(s\), expected 1/);
  });

  it('applies declared counts and computed replacements, and reports a failing transform as the patch failing', () => {
    const counted: SourcePatch = { ...sample, edits: [{ find: 'x', replace: (p) => `y(${p.length})`, count: 2 }] };
    expect(applyPatch(counted, 'x + x', 'abc', '1.0.0')).to.equal('y(3) + y(3)');
    const failing: SourcePatch = { ...sample, edits: undefined, transform: () => {throw new Error('not the expected form');} };
    expect(() => applyPatch(failing, '', 'f.js', '2.0.0')).to.throw(PatchError, /"sample" \(some-package@2\.0\.0, f\.js\): not the expected form/);
  });

  it('takes patches from any export shape: single values and arrays, each once, ignoring the rest', () => {
    const other: SourcePatch = { ...sample, name: 'other' };
    const found = patchesOf({ sample, list: [sample, other], helper: () => 1, text: 'no', object: { name: 'x' } });
    expect(found.map((p) => p.name)).to.deep.equal(['sample', 'other']);
  });

  it('the package entry declares nothing that needs a package the published plugin does not bring', () => {
    const source = readFileSync(join(REPO_ROOT, 'src', 'index.ts'), 'utf8');
    const { outputText } = ts.transpileDeclaration(source, { fileName: 'index.ts', compilerOptions: { module: ts.ModuleKind.NodeNext } });
    expect(outputText).to.not.match(/\bfrom\s+['"]|import\(/);
    const pjson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: string; dependencies?: object };
    expect(pjson.exports).to.equal('./lib/index.js');
    expect(pjson.dependencies ?? {}).to.deep.equal({});
  });
});
