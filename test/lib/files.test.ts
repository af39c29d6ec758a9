import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { refuseUnsafeTarget, writeFileSafely, writeHooks } from '../../src/lib/files.js';

/** The name of the SfError a write fails with, or undefined when it succeeds. */
async function failure(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
    return undefined;
  } catch (err) {
    return (err as Error).name;
  }
}

describe('writeFileSafely', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oncehub-files-'));
  });

  afterEach(() => {
    delete writeHooks.beforeCommit;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Files left in the folder besides the ones named: no temporary file may remain. */
  const leftovers = (...expected: string[]): string[] => readdirSync(dir).filter((f) => !expected.includes(f));

  it('writes a new file (creating folders) and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b', 'report.xml');
    await writeFileSafely(path, '<x/>');
    expect(readFileSync(path, 'utf8')).to.equal('<x/>');
    expect(readdirSync(join(dir, 'a', 'b'))).to.deep.equal(['report.xml']);
  });

  it('applies the mode to a new file', async () => {
    const path = join(dir, 'state.json');
    await writeFileSafely(path, '{}', { mode: 0o600 });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
  });

  it('refuses an existing file without force (force: undefined included) and replaces it with force or overwrite', async () => {
    const path = join(dir, 'setup.json');
    writeFileSync(path, 'old');
    expect(await failure(writeFileSafely(path, 'new', { force: undefined }))).to.equal('FileExistsError');
    expect(await failure(writeFileSafely(path, 'new'))).to.equal('FileExistsError');
    expect(readFileSync(path, 'utf8')).to.equal('old');
    await writeFileSafely(path, 'forced', { force: true });
    expect(readFileSync(path, 'utf8')).to.equal('forced');
    await writeFileSafely(path, 'overwritten', { overwrite: true });
    expect(readFileSync(path, 'utf8')).to.equal('overwritten');
    expect(leftovers('setup.json')).to.deep.equal([]);
  });

  it('never writes through a symlink to an existing file; with force it replaces the link itself', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const path = join(dir, 'report.md');
    symlinkSync(victim, path);
    expect(await failure(writeFileSafely(path, 'x'))).to.equal('SymlinkTargetError');
    expect(await failure(writeFileSafely(path, 'x', { overwrite: true }))).to.equal('SymlinkTargetError');
    expect(readFileSync(victim, 'utf8')).to.equal('precious');
    await writeFileSafely(path, 'report', { force: true });
    expect(lstatSync(path).isFile()).to.equal(true);
    expect(readFileSync(path, 'utf8')).to.equal('report');
    expect(readFileSync(victim, 'utf8')).to.equal('precious');
  });

  it('never creates the file a dangling symlink points to', async () => {
    const planted = join(dir, 'planted');
    const path = join(dir, 'oncehub-setup.json');
    symlinkSync(planted, path);
    expect(await failure(writeFileSafely(path, 'x'))).to.equal('SymlinkTargetError');
    expect(await failure(refuseUnsafeTarget(path))).to.equal('SymlinkTargetError');
    expect(leftovers('oncehub-setup.json')).to.deep.equal([]);
    await writeFileSafely(path, 'x', { force: true });
    expect(lstatSync(path).isFile()).to.equal(true);
    expect(leftovers('oncehub-setup.json')).to.deep.equal([]);
  });

  it('refuses a FIFO, force included, without opening it', async () => {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    for (const options of [{}, { overwrite: true }, { force: true }]) {
      expect(await failure(writeFileSafely(path, 'x', options))).to.equal('NotRegularFileError');
    }
    expect(lstatSync(path).isFIFO()).to.equal(true);
    expect(leftovers('fifo')).to.deep.equal([]);
  });

  it('refuses a directory, force included', async () => {
    const path = join(dir, 'folder');
    mkdirSync(path);
    expect(await failure(writeFileSafely(path, 'x', { force: true }))).to.equal('NotRegularFileError');
    expect(lstatSync(path).isDirectory()).to.equal(true);
  });

  it('refuses /dev/null (a character device), force included, and leaves it a device', async () => {
    for (const options of [{}, { force: true }]) {
      const err = await writeFileSafely('/dev/null', 'x', options).then(
        () => undefined,
        (e: Error) => e
      );
      expect(err?.name).to.equal('NotRegularFileError');
      expect(err?.message).to.contain('a character device');
    }
    expect(lstatSync('/dev/null').isCharacterDevice()).to.equal(true);
  });

  it('refuses a device node in a writable folder (made with mknod where the test may, else /dev/zero)', async () => {
    let path = join(dir, 'null-copy');
    try {
      execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      path = '/dev/zero'; // not root or no CAP_MKNOD
    }
    expect(await failure(writeFileSafely(path, 'x', { force: true }))).to.equal('NotRegularFileError');
    expect(lstatSync(path).isCharacterDevice()).to.equal(true);
  });

  it('a file that appears during the run wins: the write fails cleanly and leaves it alone', async () => {
    const path = join(dir, 'oncehub-setup.json');
    writeHooks.beforeCommit = () => writeFileSync(path, 'theirs');
    expect(await failure(writeFileSafely(path, 'ours'))).to.equal('FileExistsError');
    expect(readFileSync(path, 'utf8')).to.equal('theirs');
    expect(leftovers('oncehub-setup.json')).to.deep.equal([]);
  });

  it('a FIFO that appears during a forced run is not replaced', async () => {
    const path = join(dir, 'report.xml');
    writeHooks.beforeCommit = () => {
      execFileSync('mkfifo', [path]);
    };
    expect(await failure(writeFileSafely(path, 'ours', { force: true }))).to.equal('NotRegularFileError');
    expect(lstatSync(path).isFIFO()).to.equal(true);
    expect(leftovers('report.xml')).to.deep.equal([]);
  });

  it('of two concurrent runs without force, one writes and the other fails cleanly', async () => {
    const path = join(dir, 'oncehub-setup.json');
    const results = await Promise.all([failure(writeFileSafely(path, 'first')), failure(writeFileSafely(path, 'second'))]);
    expect(results.filter((r) => r === undefined)).to.have.lengthOf(1);
    expect(results.filter((r) => r === 'FileExistsError')).to.have.lengthOf(1);
    expect(['first', 'second']).to.include(readFileSync(path, 'utf8'));
    expect(leftovers('oncehub-setup.json')).to.deep.equal([]);
  });

  it('does not follow a link planted under a temporary-file name (the name is random, the open exclusive)', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    // Links under the names the old, predictable scheme used.
    for (const name of [`.report.xml.${process.pid}.${Date.now()}.tmp`, '.report.xml.tmp']) symlinkSync(victim, join(dir, name));
    await writeFileSafely(join(dir, 'report.xml'), 'report');
    expect(readFileSync(victim, 'utf8')).to.equal('precious');
    expect(readFileSync(join(dir, 'report.xml'), 'utf8')).to.equal('report');
  });
});
