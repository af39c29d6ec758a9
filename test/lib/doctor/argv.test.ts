import { expect } from 'chai';
import { resultFormatInArgv } from '../../../src/lib/doctor/argv.js';

describe('doctor/argv', () => {
  it('reads --result-format in each spelling oclif accepts', () => {
    expect(resultFormatInArgv(['-o', 'acme', '--result-format', 'json'])).to.equal('json');
    expect(resultFormatInArgv(['--result-format=json'])).to.equal('json');
    expect(resultFormatInArgv(['-r', 'junit'])).to.equal('junit');
    expect(resultFormatInArgv(['-rjson'])).to.equal('json');
    expect(resultFormatInArgv(['-r=json'])).to.equal('json');
  });

  it('takes the last value and ignores anything after --', () => {
    expect(resultFormatInArgv(['-r', 'json', '-r', 'human'])).to.equal('human');
    expect(resultFormatInArgv(['--', '--result-format', 'json'])).to.equal(undefined);
    expect(resultFormatInArgv(['--target-org', 'acme'])).to.equal(undefined);
  });
});
