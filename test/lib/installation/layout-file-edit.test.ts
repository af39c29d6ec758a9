import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { expect } from 'chai';
import { addFieldsToLayoutFile, fieldsInLayout } from '../../../src/lib/installation/layout-file-edit.js';
import { fromSourceXml } from '../../../src/lib/installation/layout-xml.js';
import { PACKAGE_EVENT_FIELDS } from '../../../src/lib/installation/layout.js';
import { wsdlSequence } from '../../../src/lib/org/metadata-order.js';
import { REPO_ROOT } from '../../e2e/harness.js';

const [STATUS, REASON] = PACKAGE_EVENT_FIELDS;
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'layouts');
const fixture = (name: string): Promise<string> => readFile(join(FIXTURES, name), 'utf8');

/**
 * The lines `after` adds to `before`, or a failure when `before` is not kept whole, in order, inside `after` (what
 * `git diff` shows as added lines only). Lines keep their `\r`, so a changed line ending counts as a changed line.
 */
function addedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const next = after.split('\n');
  const added: string[] = [];
  let i = 0;
  for (const line of next) {
    if (i < old.length && line === old[i]) i++;
    else added.push(line);
  }
  expect(i, 'every original line is kept, in order').to.equal(old.length);
  return added;
}

/** The names of the child elements of every `<layoutItems>` in order, e.g. ['behavior', 'field']. */
const itemChildren = (text: string): string[][] =>
  [...text.matchAll(/<layoutItems>([\s\S]*?)<\/layoutItems>/g)].map((m) => [...m[1].matchAll(/<(\w+)>/g)].map((t) => t[1]));

/** The fields of the first column of the first section, in order. */
function firstColumn(text: string): string[] {
  const layout = fromSourceXml(text) as { layoutSections: unknown };
  const sections = ([] as unknown[]).concat(layout.layoutSections) as Array<{ layoutColumns: unknown }>;
  const column = ([] as unknown[]).concat(sections[0].layoutColumns)[0] as { layoutItems?: unknown };
  return ([] as unknown[]).concat(column.layoutItems ?? []).map((i) => String((i as { field?: string }).field));
}

describe('layout files: the package fields added in place', () => {
  it('a retrieved layout (LF, two columns): two items at the end of the first column, added lines only, indented like their neighbours', async () => {
    const before = await fixture('Event-Event Layout.layout-meta.xml');
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);

    expect(edit.added).to.deep.equal([STATUS, REASON]);
    expect(edit.alreadyPresent).to.deep.equal([]);
    expect(addedLines(before, edit.text)).to.deep.equal([
      '            <layoutItems>',
      '                <behavior>Edit</behavior>',
      `                <field>${STATUS}</field>`,
      '            </layoutItems>',
      '            <layoutItems>',
      '                <behavior>Edit</behavior>',
      `                <field>${REASON}</field>`,
      '            </layoutItems>',
    ]);
    expect(firstColumn(edit.text)).to.deep.equal(['OwnerId', 'Subject', 'WhoId', 'WhatId', 'Location', STATUS, REASON]);
    // LayoutItem's WSDL order: behavior before field, in every item.
    const order = wsdlSequence('LayoutItem');
    for (const children of itemChildren(edit.text)) {
      expect([...children].sort((a, b) => order.indexOf(a) - order.indexOf(b))).to.deep.equal(children);
    }
    expect(edit.text.endsWith('</Layout>\n')).to.equal(true);
  });

  it('is idempotent: a second edit changes nothing', async () => {
    const once = addFieldsToLayoutFile(await fixture('Event-Event Layout.layout-meta.xml'), PACKAGE_EVENT_FIELDS).text;
    const twice = addFieldsToLayoutFile(once, PACKAGE_EVENT_FIELDS);
    expect(twice.added).to.deep.equal([]);
    expect(twice.alreadyPresent).to.deep.equal([STATUS, REASON]);
    expect(twice.text).to.equal(once);
  });

  it('a complete layout is returned as it is', async () => {
    const before = await fixture('Event-Complete Event Layout.layout-meta.xml');
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);
    expect(edit).to.deep.equal({ text: before, added: [], alreadyPresent: [STATUS, REASON] });
  });

  it('CRLF, comments (before the root, between items, after a tag on its line), one field present: keeps them all', async () => {
    const before = await fixture('Event-Event Layout %28Sales%29.layout-meta.xml');
    expect(before).to.include('\r\n');
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);

    expect(edit.added).to.deep.equal([REASON]);
    expect(edit.alreadyPresent).to.deep.equal([STATUS]);
    expect(addedLines(before, edit.text)).to.deep.equal([
      '            <layoutItems>\r',
      '                <behavior>Edit</behavior>\r',
      `                <field>${REASON}</field>\r`,
      '            </layoutItems>\r',
    ]);
    expect(edit.text.replace(/\r\n/g, '')).not.to.include('\n');
    expect(edit.text).to.include('<!-- Sales team\'s Event layout: reviewed by RevOps, do not reorder -->');
    expect(edit.text).to.include('</layoutItems> <!-- added by hand in 2023 -->\r\n            <layoutItems>\r\n');
    expect(edit.text).to.include('<label>Meeting &amp; Follow-up</label>');
    expect(firstColumn(edit.text)).to.deep.equal(['Subject', STATUS, REASON]);
  });

  it('Metadata API format, tab indentation, no final newline: tabs for the new lines and still no final newline', async () => {
    const before = await fixture('Event-Support Event Layout.layout');
    expect(before.endsWith('</Layout>')).to.equal(true);
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);

    expect(addedLines(before, edit.text)).to.deep.equal([
      '\t\t\t<layoutItems>',
      '\t\t\t\t<behavior>Edit</behavior>',
      `\t\t\t\t<field>${STATUS}</field>`,
      '\t\t\t</layoutItems>',
      '\t\t\t<layoutItems>',
      '\t\t\t\t<behavior>Edit</behavior>',
      `\t\t\t\t<field>${REASON}</field>`,
      '\t\t\t</layoutItems>',
    ]);
    expect(edit.text.endsWith('</Layout>')).to.equal(true);
  });

  it('a layout with only a Custom Links section gets a new one-column section first, in the WSDL order of its elements', () => {
    const before = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Layout xmlns="http://soap.sforce.com/2006/04/metadata">',
      '    <layoutSections>',
      '        <label>Custom Links</label>',
      '        <layoutColumns/>',
      '        <style>CustomLinks</style>',
      '    </layoutSections>',
      '    <showEmailCheckbox>false</showEmailCheckbox>',
      '</Layout>',
      '',
    ].join('\n');
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);
    // A whole section of 16 lines: the section, its 5 elements, 2 items of 4 lines.
    expect(addedLines(before, edit.text)).to.have.length(16);
    expect(edit.text.indexOf('<label>OnceHub</label>')).to.be.lessThan(edit.text.indexOf('<label>Custom Links</label>'));
    const section = /<layoutSections>\n([\s\S]*?)\n {4}<\/layoutSections>/.exec(edit.text)?.[1] ?? '';
    const elements = [...section.matchAll(/^ {8}<(\w+)>/gm)].map((m) => m[1]);
    expect(elements).to.deep.equal(['detailHeading', 'editHeading', 'label', 'layoutColumns', 'style']);
    const order = wsdlSequence('LayoutSection');
    expect([...elements].sort((a, b) => order.indexOf(a) - order.indexOf(b))).to.deep.equal(elements);
    expect(fieldsInLayout(edit.text)).to.deep.equal(new Set(PACKAGE_EVENT_FIELDS.map((f) => f.toLowerCase())));
  });

  it('an empty first column gets the items as its first children', () => {
    const before = [
      '<Layout xmlns="http://soap.sforce.com/2006/04/metadata">',
      '  <layoutSections>',
      '    <label>Information</label>',
      '    <layoutColumns>',
      '    </layoutColumns>',
      '    <style>OneColumn</style>',
      '  </layoutSections>',
      '</Layout>',
    ].join('\n');
    const edit = addFieldsToLayoutFile(before, [STATUS]);
    expect(addedLines(before, edit.text)).to.deep.equal(['      <layoutItems>', '        <behavior>Edit</behavior>', `        <field>${STATUS}</field>`, '      </layoutItems>']);
  });

  it('matches field names case-insensitively and ignores fields of related lists and comments', () => {
    const before = [
      '<Layout xmlns="http://soap.sforce.com/2006/04/metadata">',
      '    <layoutSections>',
      '        <layoutColumns>',
      '            <layoutItems>',
      '                <field>scheduleonce__event_status__c</field>',
      '            </layoutItems>',
      `            <!-- <layoutItems><field>${REASON}</field></layoutItems> -->`,
      '        </layoutColumns>',
      '    </layoutSections>',
      '    <relatedLists>',
      `        <fields>${REASON}</fields>`,
      '    </relatedLists>',
      '</Layout>',
    ].join('\n');
    const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);
    expect(edit.added).to.deep.equal([REASON]);
    expect(edit.alreadyPresent).to.deep.equal([STATUS]);
  });

  it('refuses a file that is not a layout, or not well-formed XML', () => {
    expect(() => addFieldsToLayoutFile('<CustomObject></CustomObject>', PACKAGE_EVENT_FIELDS)).to.throw(/not <Layout>/);
    expect(() => addFieldsToLayoutFile('<Layout><layoutSections></Layout>', PACKAGE_EVENT_FIELDS)).to.throw(/Unexpected <\/Layout>/);
  });

  describe('source-deploy-retrieve (the library sf project deploy uses) reads the edited files as the same Layout components', () => {
    let root: string;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'oncehub-layout-sdr-'));
    });
    after(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('source format (one percent-encoded) and Metadata API format', async () => {
      const source = join(root, 'force-app', 'main', 'default', 'layouts');
      const mdapi = join(root, 'mdapi', 'layouts');
      await mkdir(source, { recursive: true });
      await mkdir(mdapi, { recursive: true });
      const files = ['Event-Event Layout.layout-meta.xml', 'Event-Event Layout %28Sales%29.layout-meta.xml'];
      for (const name of files) await writeFile(join(source, name), addFieldsToLayoutFile(await fixture(name), PACKAGE_EVENT_FIELDS).text);
      await writeFile(join(mdapi, 'Event-Support Event Layout.layout'), addFieldsToLayoutFile(await fixture('Event-Support Event Layout.layout'), PACKAGE_EVENT_FIELDS).text);

      const fromSource = ComponentSet.fromSource(join(root, 'force-app'));
      expect(fromSource.getSourceComponents().toArray().map((c) => [c.type.name, c.fullName]).sort()).to.deep.equal([
        ['Layout', 'Event-Event Layout'],
        ['Layout', 'Event-Event Layout %28Sales%29'],
      ]);
      for (const component of fromSource.getSourceComponents().toArray()) {
        const xml = (await component.parseXml()) as { Layout?: { layoutSections?: unknown } };
        expect(xml.Layout?.layoutSections, component.fullName).to.not.equal(undefined);
      }
      const fromMdapi = ComponentSet.fromSource(join(root, 'mdapi'));
      expect(fromMdapi.getSourceComponents().toArray().map((c) => [c.type.name, c.fullName])).to.deep.equal([['Layout', 'Event-Support Event Layout']]);
    });
  });
});
