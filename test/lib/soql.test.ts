import { expect } from 'chai';
import { chunkForInClause, quote, quoteList } from '../../src/lib/soql.js';

describe('soql', () => {
  describe('quote', () => {
    it('wraps a plain value in single quotes', () => {
      expect(quote('api@acme.example')).to.equal("'api@acme.example'");
    });

    it('escapes a quote so the value cannot close its literal', () => {
      expect(quote("o'brien@acme.example")).to.equal("'o\\'brien@acme.example'");
      expect(quote("x' OR Username != '")).to.equal("'x\\' OR Username != \\''");
    });

    it('escapes backslashes first, so an escaped quote in the input stays escaped', () => {
      expect(quote('a\\b')).to.equal("'a\\\\b'");
      expect(quote("\\'")).to.equal("'\\\\\\''");
    });

    it('escapes line breaks and tabs', () => {
      expect(quote('a\nb\rc\td')).to.equal("'a\\nb\\rc\\td'");
    });
  });

  it('quoteList quotes each value of an IN list', () => {
    expect(quoteList(['a', "b'c"])).to.equal("('a','b\\'c')");
    expect(quoteList([])).to.equal('()');
  });

  describe('chunkForInClause', () => {
    it('keeps a short list in one chunk, in order', () => {
      expect(chunkForInClause(['a', 'b', 'c'])).to.deep.equal([['a', 'b', 'c']]);
      expect(chunkForInClause([])).to.deep.equal([]);
    });

    it('splits so that each URL-encoded IN list stays under the limit, keeping every value once', () => {
      const usernames = Array.from({ length: 500 }, (_, i) => `user.number.${i}@acme.example`);

      const chunks = chunkForInClause(usernames, 2000);

      expect(chunks.length).to.be.greaterThan(1);
      expect(chunks.flat()).to.deep.equal(usernames);
      for (const chunk of chunks) expect(encodeURIComponent(quoteList(chunk)).length).to.be.at.most(2000);
    });

    it('puts a value longer than the limit in a chunk of its own', () => {
      const long = 'x'.repeat(50);
      expect(chunkForInClause(['a', long, 'b'], 20)).to.deep.equal([['a'], [long], ['b']]);
    });
  });
});
