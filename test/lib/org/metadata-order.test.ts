import { expect } from 'chai';
import { orderByWsdl, propertyType, WsdlOrderError, wsdlSequence } from '../../../src/lib/org/metadata-order.js';

describe('org/metadata-order', () => {
  it('wsdlSequence lists the inherited fullName first, then the type\'s own sequence', () => {
    const layout = wsdlSequence('Layout');
    expect(layout.slice(0, 4)).to.deep.equal(['fullName', 'customButtons', 'customConsoleComponents', 'emailDefault']);
    expect(layout.at(-1)).to.equal('summaryLayout');
    expect(layout.indexOf('layoutSections')).to.be.lessThan(layout.indexOf('platformActionList'));
    expect(wsdlSequence('LayoutSection')).to.deep.equal(['customLabel', 'detailHeading', 'editHeading', 'label', 'layoutColumns', 'style']);
    expect(wsdlSequence('LayoutColumn')).to.deep.equal(['layoutItems', 'reserved']);
    expect(wsdlSequence('LayoutItem').slice(0, 7)).to.deep.equal(['analyticsCloudComponent', 'behavior', 'canvas', 'component', 'customLink', 'emptySpace', 'field']);
    expect(() => wsdlSequence('NoSuchType')).to.throw(WsdlOrderError, /NoSuchType/);
  });

  it('propertyType gives the declared type and whether it is a list, inherited elements included', () => {
    expect(propertyType('Layout', 'layoutSections')).to.deep.equal({ type: 'LayoutSection', list: true });
    expect(propertyType('Layout', 'summaryLayout')).to.deep.equal({ type: 'SummaryLayout', list: false });
    expect(propertyType('Layout', 'fullName')).to.deep.equal({ type: 'string', list: false });
    expect(propertyType('LayoutItem', 'behavior')).to.deep.equal({ type: 'string', list: false });
    expect(propertyType('DuplicateRule', 'duplicateRuleMatchRules')).to.deep.equal({ type: 'DuplicateRuleMatchRule', list: true });
    expect(propertyType('LayoutItem', 'nope')).to.equal(undefined);
  });

  it('orderByWsdl puts every nested object in its type\'s sequence and copies deeply', () => {
    const item = { field: 'Subject', behavior: 'Required' };
    const input = {
      layoutSections: [
        { style: 'TwoColumnsTopToBottom', layoutColumns: [{ layoutItems: [item, { width: '10', emptySpace: true }] }, {}], label: 'OnceHub', editHeading: true, detailHeading: true, customLabel: true },
      ],
      platformActionList: { platformActionListItems: [{ sortOrder: 0, actionType: 'StandardButton', actionName: 'Edit' }], actionListContext: 'Record' },
      fullName: 'Event-Event Layout',
      '@xsi:type': 'Layout',
      emailDefault: undefined,
    };
    const ordered = orderByWsdl('Layout', input);
    expect(JSON.stringify(ordered)).to.equal(
      JSON.stringify({
        '@xsi:type': 'Layout',
        fullName: 'Event-Event Layout',
        layoutSections: [
          { customLabel: true, detailHeading: true, editHeading: true, label: 'OnceHub', layoutColumns: [{ layoutItems: [{ behavior: 'Required', field: 'Subject' }, { emptySpace: true, width: '10' }] }, {}], style: 'TwoColumnsTopToBottom' },
        ],
        platformActionList: { actionListContext: 'Record', platformActionListItems: [{ actionName: 'Edit', actionType: 'StandardButton', sortOrder: 0 }] },
      }),
    );
    const section = (ordered.layoutSections as Array<{ layoutColumns: Array<{ layoutItems: object[] }> }>)[0];
    expect(section.layoutColumns[0].layoutItems[0]).to.not.equal(item);
    expect(input.layoutSections[0].layoutColumns[0].layoutItems?.[0]).to.equal(item);
    expect(Object.keys(item)).to.deep.equal(['field', 'behavior']);
  });

  it('orderByWsdl accepts a single object where the WSDL declares a list (jsforce reads one element so)', () => {
    const ordered = orderByWsdl('Layout', { layoutSections: { style: 'OneColumn', label: 'A' }, fullName: 'Event-A' });
    expect(JSON.stringify(ordered)).to.equal('{"fullName":"Event-A","layoutSections":{"label":"A","style":"OneColumn"}}');
  });

  it('orderByWsdl leaves out the attributes jsforce reads as `$` (it would send them back as an element)', () => {
    expect(orderByWsdl('LayoutItem', { $: { 'xsi:type': 'LayoutItem' }, field: 'Subject' })).to.deep.equal({ field: 'Subject' });
  });

  it('orderByWsdl keeps nulls (sent as xsi:nil) and scalars as they are', () => {
    const ordered = orderByWsdl('LayoutSection', { style: 'OneColumn', label: null, customLabel: 'true' });
    expect(ordered).to.deep.equal({ customLabel: 'true', label: null, style: 'OneColumn' });
  });

  it('orderByWsdl refuses an element the type does not declare, naming its path', () => {
    expect(() => orderByWsdl('Layout', { fullName: 'Event-A', layoutSections: [{ style: 'OneColumn', layoutColumns: [{ layoutItems: [{ field: 'X', required: true }] }] }] }))
      .to.throw(WsdlOrderError, /Layout\.layoutSections\[0\]\.layoutColumns\[0\]\.layoutItems\[0\]: required is not an element of the Metadata API type LayoutItem/);
    expect(() => orderByWsdl('Layout', { name: 'x' })).to.throw(WsdlOrderError, /name is not an element of the Metadata API type Layout/);
    expect(() => orderByWsdl('Nope', {})).to.throw(WsdlOrderError, /Nope is not a type/);
  });
});
