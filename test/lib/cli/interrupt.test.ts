import { expect } from 'chai';
import { INTERRUPTED_EXIT_CODE, interruptListener, interruptLine } from '../../../src/lib/cli/interrupt.js';
import { sendWrite } from '../../../src/lib/org/requests.js';

describe('cli/interrupt', () => {
  const stop = (): { lines: string[]; codes: number[] } => {
    const lines: string[] = [];
    const codes: number[] = [];
    interruptListener(
      (line) => lines.push(line),
      (code) => codes.push(code)
    )();
    return { lines, codes };
  };

  it('prints one line and exits 130 when nothing is being written', () => {
    expect(stop()).to.deep.equal({ lines: [interruptLine(false)], codes: [130] });
    expect(interruptLine(false)).to.equal('Interrupted: stopped before finishing (exit code 130). Nothing was being written to the org.');
    expect(INTERRUPTED_EXIT_CODE).to.equal(130);
  });

  it('says that a write in flight may or may not have been saved', async () => {
    let release = (): void => {};
    const pending = sendWrite(() => new Promise<void>((resolve) => (release = resolve)));

    expect(stop().lines).to.deep.equal([
      'Interrupted while a change was being sent to the org: it may or may not have been saved. Run the command again: it reads the org first and only makes the changes still missing.',
    ]);

    release();
    await pending;
    expect(stop().lines).to.deep.equal([interruptLine(false)]);
  });
});
