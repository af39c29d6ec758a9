import { expect } from 'chai';
import fc from 'fast-check';
import { decodeLayoutName, encodeLayoutName, layoutFullName, parseLayoutFullName } from '../../../src/lib/org/layout-names.js';

describe('org/layout-names', () => {
  describe('encodeLayoutName', () => {
    it('encodes the characters of Salesforce standard layout names', () => {
      expect(encodeLayoutName('Account (Marketing) Layout')).to.equal('Account %28Marketing%29 Layout');
      expect(encodeLayoutName('Event Layout (Sales & Service)')).to.equal('Event Layout %28Sales %26 Service%29');
      expect(encodeLayoutName('v1.1 Layout')).to.equal('v1%2E1 Layout');
    });

    it('encodes every character of the table, as UTF-8 bytes in uppercase hex', () => {
      const table: Array<[string, string]> = [
        ['^', '%5E'], ['°', '%C2%B0'], ['!', '%21'], ['"', '%22'], ['§', '%C2%A7'], ['$', '%24'], ['%', '%25'],
        ['&', '%26'], ['/', '%2F'], ['(', '%28'], [')', '%29'], ['=', '%3D'], ['?', '%3F'], ['´', '%C2%B4'],
        ['`', '%60'], ['+', '%2B'], ['@', '%40'], ['#', '%23'], ["'", '%27'], ['<', '%3C'], ['>', '%3E'],
        ['[', '%5B'], [']', '%5D'], ['\\', '%5C'], [',', '%2C'], [';', '%3B'], ['.', '%2E'], [':', '%3A'],
      ];
      for (const [plain, encoded] of table) expect(encodeLayoutName(`a${plain}b`), plain).to.equal(`a${encoded}b`);
    });

    it('encodes a double underscore and keeps a single one', () => {
      expect(encodeLayoutName('My__Layout')).to.equal('My%5F%5FLayout');
      expect(encodeLayoutName('My_Layout')).to.equal('My_Layout');
      expect(encodeLayoutName('a___b')).to.equal('a%5F%5F_b');
      expect(encodeLayoutName('a____b')).to.equal('a%5F%5F%5F%5Fb');
    });

    it('keeps spaces, -, *, letters and non-ASCII letters', () => {
      for (const name of ['Event Layout', 'Sales-Event *', 'Ereignis Größe', '製品 レイアウト', 'Événement 2']) {
        expect(encodeLayoutName(name)).to.equal(name);
      }
    });
  });

  describe('decodeLayoutName', () => {
    it('is the inverse of encodeLayoutName', () => {
      expect(decodeLayoutName('Event Layout %28Sales %26 Service%29')).to.equal('Event Layout (Sales & Service)');
      expect(decodeLayoutName('My%5F%5FLayout')).to.equal('My__Layout');
      expect(decodeLayoutName('Grad %C2%B0 %25')).to.equal('Grad ° %');
      fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (name) => decodeLayoutName(encodeLayoutName(name)) === name));
    });

    it('accepts lowercase hex and keeps an invalid escape as written', () => {
      expect(decodeLayoutName('a%2eb')).to.equal('a.b');
      expect(decodeLayoutName('100%ZZ')).to.equal('100%ZZ');
      expect(decodeLayoutName('bad %C2 byte')).to.equal('bad %C2 byte');
    });
  });

  describe('layoutFullName', () => {
    it('joins the object and the encoded name', () => {
      expect(layoutFullName('Event', 'Event Layout (Sales & Service)')).to.equal('Event-Event Layout %28Sales %26 Service%29');
      expect(layoutFullName('Event', 'Event Layout', null)).to.equal('Event-Event Layout');
      expect(layoutFullName('ns__Obj__c', 'Obj Layout', '')).to.equal('ns__Obj__c-Obj Layout');
    });

    it('puts a managed layout namespace in front of the name part', () => {
      expect(layoutFullName('Event', 'OnceHub Event Layout', 'ScheduleOnce')).to.equal('Event-ScheduleOnce__OnceHub Event Layout');
      expect(layoutFullName('Event', 'Layout (v2)', 'ns')).to.equal('Event-ns__Layout %28v2%29');
    });
  });

  describe('parseLayoutFullName', () => {
    it('splits object, namespace and decoded name', () => {
      expect(parseLayoutFullName('Event-Event Layout %28Sales %26 Service%29')).to.deep.equal({ object: 'Event', name: 'Event Layout (Sales & Service)' });
      expect(parseLayoutFullName('Event-ScheduleOnce__OnceHub Event Layout')).to.deep.equal({
        object: 'Event',
        namespacePrefix: 'ScheduleOnce',
        name: 'OnceHub Event Layout',
      });
      expect(parseLayoutFullName('ns__Obj__c-Obj-Layout')).to.deep.equal({ object: 'ns__Obj__c', name: 'Obj-Layout' });
      expect(parseLayoutFullName('Event-My%5F%5FLayout')).to.deep.equal({ object: 'Event', name: 'My__Layout' });
      expect(parseLayoutFullName('Event-my_ns__A_B')).to.deep.equal({ object: 'Event', namespacePrefix: 'my_ns', name: 'A_B' });
    });

    it('round-trips layoutFullName', () => {
      const ns = fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,14}$/), { nil: undefined });
      fc.assert(
        fc.property(fc.constantFrom('Event', 'Account', 'ns__Obj__c'), ns, fc.string({ unit: 'grapheme' }), (object, prefix, name) => {
          const parsed = parseLayoutFullName(layoutFullName(object, name, prefix));
          return parsed.object === object && parsed.name === name && parsed.namespacePrefix === prefix;
        }),
      );
    });
  });
});
