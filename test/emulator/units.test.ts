import { expect } from 'chai';
import { checksum, to18 } from '../../emulator/index.js';
import { IdFactory, isWellFormedId } from '../../emulator/ids.js';
import { scenarios } from '../../emulator/index.js';
import { runQuery } from '../../emulator/soql/engine.js';
import { likeToRegExp, unquote } from '../../emulator/soql/where.js';

describe('emulator: building blocks', () => {
  it('computes case-safe id checksums like Salesforce', () => {
    expect(checksum('001A0000006Vm9r')).to.equal('IAC');
    expect(to18('001A0000006Vm9r')).to.equal('001A0000006Vm9rIAC');
    expect(to18('001A0000006Vm9rIAC')).to.equal('001A0000006Vm9rIAC');
    expect(to18('001A0000006Vm9riac')).to.equal('001A0000006Vm9rIAC');
    expect(isWellFormedId('001A0000006Vm9rXXX')).to.equal(false);
    expect(isWellFormedId('not-an-id')).to.equal(false);
  });

  it('generates ids with the right key prefix and a valid checksum', () => {
    const ids = new IdFactory();
    const id = ids.next('0Pa');
    expect(id).to.match(/^0Pa\w{15}$/);
    expect(to18(id.slice(0, 15))).to.equal(id);
    expect(ids.next('0Pa')).to.not.equal(id);
  });

  it('unescapes string literals and LIKE patterns', () => {
    expect(unquote("'O\\'Brien'")).to.equal("O'Brien");
    expect(unquote("'a\\\\b'")).to.equal('a\\b');
    expect(likeToRegExp(unquote("'50\\%%'", true)).test('50% off')).to.equal(true);
    expect(likeToRegExp(unquote("'50\\%%'", true)).test('500 off')).to.equal(false);
    expect(likeToRegExp('a_c').test('ABC')).to.equal(true);
  });

  it('applies NOT > AND > OR precedence and parentheses', () => {
    const org = scenarios.base().build();
    const ctx = { org, api: 'rest' as const, version: '66.0' };
    const names = (where: string): string[] =>
      runQuery(ctx, `SELECT Username FROM User WHERE ${where} ORDER BY Username`).records.map((r) => String(r.Username));
    const jane = "Username = 'jane.doe@acme.example'";
    const sam = "Username = 'sam.sales@acme.example'";
    const inactive = 'IsActive = false';
    expect(names(`${jane} OR ${sam} AND ${inactive}`)).to.deep.equal(['jane.doe@acme.example']);
    expect(names(`(${jane} OR ${sam}) AND ${inactive}`)).to.deep.equal([]);
    expect(names(`NOT (${jane} OR ${sam}) AND Username LIKE '%acme.example'`)).to.not.include('jane.doe@acme.example');
    expect(names(`NOT ${inactive} AND (${jane} OR ${sam})`)).to.deep.equal(['jane.doe@acme.example', 'sam.sales@acme.example']);
  });
});
