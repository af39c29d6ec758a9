import { expect } from 'chai';
import { chooseApiUser, chooseMode } from '../../../src/lib/doctor/run.js';

describe('doctor/run', () => {
  describe('chooseApiUser', () => {
    const all = { flag: 'flag@x.example', setupFile: 'file@x.example', recorded: 'recorded@x.example', authenticated: 'me@x.example' };

    it('--api-user, else the setup file, else the recorded API user, else the logged-in user', () => {
      expect(chooseApiUser(all)).to.deep.equal({ username: 'flag@x.example', source: 'flag' });
      expect(chooseApiUser({ ...all, flag: undefined })).to.deep.equal({ username: 'file@x.example', source: 'setup-file' });
      expect(chooseApiUser({ ...all, flag: undefined, setupFile: undefined })).to.deep.equal({ username: 'recorded@x.example', source: 'recorded' });
      expect(chooseApiUser({ authenticated: 'me@x.example' })).to.deep.equal({ username: 'me@x.example', source: 'authenticated' });
    });
  });

  describe('chooseMode', () => {
    const recorded = { username: 'api@x.example', mode: 'advanced-secure' as const };

    it('--mode, else the setup file, else the mode recorded for that same user, else standard', () => {
      expect(chooseMode({ flag: 'standard', setupFile: 'advanced-secure', recorded, apiUsername: 'api@x.example' })).to.equal('standard');
      expect(chooseMode({ setupFile: 'standard', recorded, apiUsername: 'api@x.example' })).to.equal('standard');
      expect(chooseMode({ recorded, apiUsername: 'API@x.example' })).to.equal('advanced-secure');
      expect(chooseMode({ recorded, apiUsername: 'someone.else@x.example' })).to.equal('standard');
      expect(chooseMode({ apiUsername: 'api@x.example' })).to.equal('standard');
    });
  });
});
