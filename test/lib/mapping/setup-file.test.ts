import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { loadSetupFile, MAX_SETUP_FILE_BYTES, parseFieldRef, SCHEMA_URL, validateSetupFile } from '../../../src/lib/mapping/setup-file.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/setup/${name}`, import.meta.url));

async function rejection(promise: Promise<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (err) {
    return err as SfError;
  }
  throw new Error('expected a rejection');
}

/** The "  - <path>: <text>" lines of an Invalid error. */
const problems = (err: SfError): string[] =>
  err.message
    .split('\n')
    .filter((l) => l.startsWith('  - '))
    .map((l) => l.slice(4));

describe('mapping/setup-file', () => {
  let folder: string;
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(folder, name);
    await writeFile(path, text);
    return path;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'setup-file-'));
  });

  describe('valid files', () => {
    it('loads the JSON fixture as it is', async () => {
      const setup = await loadSetupFile(fixture('valid.json'));
      expect(setup.apiUser).to.equal('admin@acme.example');
      expect(setup.fieldValidation).to.deep.equal({ 'Lead.Region__c': { value: 'EMEA' } });
      expect(setup.fieldMapping).to.have.length(3);
      expect(setup.creationRules?.lead?.new?.owner).to.equal('assignment-rules');
      expect(setup.bookingPageOwners).to.deep.equal(['jane.doe@acme.example']);
    });

    it('reads .yaml files as YAML, giving the same setup as the JSON fixture', async () => {
      const json = await loadSetupFile(fixture('valid.json'));
      const yaml = await loadSetupFile(fixture('valid.yaml'));
      const { $schema, ...withoutSchema } = json as typeof json & { $schema?: string };
      expect($schema).to.be.a('string');
      expect(yaml).to.deep.equal(withoutSchema);
    });

    it('accepts an empty object and a full example with every top-level key', async () => {
      expect(await validateSetupFile({}, 'empty.json')).to.deep.equal({});
      const example = {
        mode: 'standard',
        apiUser: 'api@acme.example',
        fieldValidation: { 'Lead.Region__c': { value: 'EMEA' }, 'Case.Origin': { from: 'Booking - Booking page name' } },
        fieldMapping: [
          { from: 'Customer - Phone', to: 'Lead.Phone' },
          { from: 'Booking - Meeting time in UTC', to: 'Event.Meeting_Time__c' },
          { value: 'Web Booking', to: 'Lead.LeadSource' },
        ],
        creationRules: {
          lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: 'assignment-rules' } },
          contact: { existing: { data: 'override', owner: 'booking-page-owner' } },
          case: { create: true, owner: 'booking-page-owner' },
        },
        bookingPageOwners: ['rep1@acme.example', 'rep2@acme.example'],
      };
      expect(await validateSetupFile(example, 'example.json')).to.deep.equal(example);
    });

    it('publishes a draft 2020-12 schema with every top-level key of the contract', async () => {
      const schema = JSON.parse(await readFile(SCHEMA_URL, 'utf8')) as { $schema: string; properties: Record<string, unknown> };
      expect(schema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
      expect(Object.keys(schema.properties)).to.include.members(['mode', 'apiUser', 'fieldValidation', 'fieldMapping', 'creationRules', 'bookingPageOwners']);
    });
  });

  describe('invalid files', () => {
    it('names the JSON path and what was expected, as in the contract example', async () => {
      const err = await rejection(validateSetupFile({ creationRules: { lead: { new: { owner: 'keep' } } } }, 'setup.json'));
      expect(err.name).to.equal('InvalidError');
      expect(problems(err)).to.deep.equal(['/creationRules/lead/new/owner: must be one of booking-page-owner, assignment-rules']);
      expect(err.actions?.join(' ')).to.include(fileURLToPath(SCHEMA_URL));
    });

    it('lists every problem of the invalid fixture once, in plain words', async () => {
      const err = await rejection(loadSetupFile(fixture('invalid.json')));
      expect(err.message).to.include(fixture('invalid.json'));
      expect(problems(err)).to.have.members([
        '/mode: must be one of standard, advanced-secure',
        '/fieldValidation/Opportunity.Amount: key "Opportunity.Amount" must be Object.Field on Lead, Contact, Account, Event or Case (e.g. Lead.Region__c)',
        '/fieldMapping/0: must have exactly one of "from" or "value"',
        '/fieldMapping/1: must have "to"',
        '/creationRules/lead/new/owner: must be one of booking-page-owner, assignment-rules',
        '/creationRules: has an unknown key "partner" (expected one of lead, contact, case)',
      ]);
    });

    it('explains a value source with neither or both of value and from', async () => {
      const err = await rejection(
        validateSetupFile({ fieldValidation: { 'Lead.A__c': {}, 'Lead.B__c': { value: 1, from: 'x' } } }, 'f.json')
      );
      expect(problems(err)).to.deep.equal([
        '/fieldValidation/Lead.A__c: must have exactly one of "value" or "from"',
        '/fieldValidation/Lead.B__c: must have exactly one of "value" or "from"',
      ]);
    });

    it('explains wrong types, bad field references, empty strings and duplicates', async () => {
      const err = await rejection(
        validateSetupFile(
          {
            apiUser: '',
            fieldMapping: [{ value: { nested: true }, to: 'Lead' }],
            creationRules: { case: { create: 'yes' } },
            bookingPageOwners: ['a@x.example', 'a@x.example'],
          },
          'f.json'
        )
      );
      expect(problems(err)).to.have.members([
        '/apiUser: must not be empty',
        '/fieldMapping/0/value: must be a string, a number or a boolean',
        '/fieldMapping/0/to: must be Object.Field on Lead, Contact, Account, Event or Case (e.g. Lead.Region__c), got "Lead"',
        '/creationRules/case/create: must be a boolean',
        '/bookingPageOwners: lists "a@x.example" twice',
      ]);
    });

    it('says the whole document must be an object', async () => {
      const err = await rejection(validateSetupFile(['a'], 'f.json'));
      expect(problems(err)).to.deep.equal(['/: must be an object']);
    });

    it('lists at most 8 problems and counts the rest', async () => {
      const owners = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`Lead.F${i}__c`, {}]));
      const err = await rejection(validateSetupFile({ fieldValidation: owners }, 'f.json'));
      expect(problems(err)).to.have.length(9);
      expect(problems(err)[8]).to.equal('… and 4 more');
    });
  });

  describe('files that cannot be read', () => {
    it('a missing file is an Unreadable error naming the path', async () => {
      const err = await rejection(loadSetupFile(join(folder, 'nope.json')));
      expect(err.name).to.equal('UnreadableError');
      expect(err.message).to.equal(`Cannot read the setup file ${join(folder, 'nope.json')} (no such file).`);
      expect(err.actions).to.have.length(1);
    });

    it('broken JSON is a NotParsable error with the parser reason', async () => {
      const err = await rejection(loadSetupFile(await write('broken.json', '{ "mode": "standard", }')));
      expect(err.name).to.equal('NotParsableError');
      expect(err.message).to.match(/is not valid JSON: .+/);
    });

    it('broken YAML is a NotParsable error too', async () => {
      const err = await rejection(loadSetupFile(await write('broken.yml', 'mode: [standard\n')));
      expect(err.name).to.equal('NotParsableError');
      expect(err.message).to.include('is not valid YAML');
    });

    it('a file over 1 MB is refused unread (a FIFO too: the read is bounded)', async () => {
      const huge = `{"apiUser": "api@acme.example", "bookingPageOwners": [${'"x@acme.example",'.repeat(70_000)}"y"]}`;
      const err = await rejection(loadSetupFile(await write('huge.json', huge)));
      expect(err.name).to.equal('TooLargeError');
      expect(err.message).to.include('larger than 1 MB');
      const fifo = join(folder, 'fifo.json');
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', `head -c ${MAX_SETUP_FILE_BYTES + 10} /dev/zero > ${fifo}`]);
      expect((await rejection(loadSetupFile(fifo))).name).to.equal('TooLargeError');
      writer.kill();
    });

    it('exactly 1 MB is still read', async () => {
      const file = `{"apiUser": "api@acme.example"}`;
      const path = await write('padded.json', file + ' '.repeat(MAX_SETUP_FILE_BYTES - file.length));
      expect(await loadSetupFile(path)).to.deep.equal({ apiUser: 'api@acme.example' });
    });
  });

  describe('hostile values (issue #15)', () => {
    it('a JSON file with a UTF-8 byte-order mark is read like one without', async () => {
      const path = await write('bom.json', '\uFEFF{"apiUser": "api@acme.example", "mode": "standard"}');
      expect(await loadSetupFile(path)).to.deep.equal({ apiUser: 'api@acme.example', mode: 'standard' });
    });

    it('a YAML file with a byte-order mark too', async () => {
      const path = await write('bom.yaml', '\uFEFFapiUser: api@acme.example\n');
      expect(await loadSetupFile(path)).to.deep.equal({ apiUser: 'api@acme.example' });
    });

    it('an apiUser over 80 characters, or blank, is refused before any request', async () => {
      const long = await write('long.json', JSON.stringify({ apiUser: `${'a'.repeat(71)}@x.example`, bookingPageOwners: ['  '] }));
      const err = await rejection(loadSetupFile(long));
      expect(err.name).to.equal('InvalidError');
      expect(problems(err).join('\n')).to.include('/apiUser').and.include('/bookingPageOwners/0');
    });
  });

  it('parseFieldRef splits at the first dot and spells the object as Salesforce does', () => {
    expect(parseFieldRef('Lead.Region__c')).to.deep.equal({ object: 'Lead', field: 'Region__c' });
    expect(parseFieldRef('case.origin')).to.deep.equal({ object: 'Case', field: 'origin' });
  });
});
