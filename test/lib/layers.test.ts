import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import madge from 'madge';

/**
 * The layers of DESIGN.md, checked on the real import graph (type-only imports included): the core below the phases,
 * the phases below the doctor, the flows that combine them above, and no cycle anywhere in src/.
 */

const LAYERS: Array<[rank: number, pattern: RegExp]> = [
  [0, /^lib\/(org\/|cli\/|soql\.ts$|checks\.ts$|check-text\.ts$|fetched\.ts$|files\.ts$)/],
  [1, /^lib\/(connection|installation|validation|mapping)\//],
  [2, /^lib\/(doctor|generate)\//],
  [3, /^lib\/(setup|compare)\//],
  [4, /^(commands\/|hooks\/|index\.ts$|lib\/flags\.ts$)/],
];

function layerOf(file: string): number {
  const layer = LAYERS.find(([, pattern]) => pattern.test(file));
  if (!layer) throw new Error(`${file} belongs to no layer: add it to DESIGN.md and this test`);
  return layer[0];
}

describe('source layers', () => {
  let graph: Awaited<ReturnType<typeof madge>>;

  before(async () => {
    graph = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' });
  });

  it('reads every source file and resolves every import', () => {
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(Object.keys(graph.obj())).to.have.lengthOf(sources.length);
    expect(graph.warnings().skipped).to.deep.equal([]);
  });

  it('has no import cycle', () => {
    expect(graph.circular()).to.deep.equal([]);
  });

  it('imports only from its own layer or the ones below', () => {
    const upward = Object.entries(graph.obj()).flatMap(([file, imports]) =>
      imports.filter((imported) => layerOf(imported) > layerOf(file)).map((imported) => `${file} -> ${imported}`)
    );
    expect(upward).to.deep.equal([]);
  });
});
