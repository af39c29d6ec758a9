/**
 * Named scenarios: the orgs the tests, the demo and the benchmarks start from.
 *
 *   const org = scenarios.base().withPackage().withPermsetAssigned().build();
 */
import { type BaseOptions, SANDBOX_ADMIN_USERNAME } from './names.js';
import { field, type FieldDef, picklist, readOnly, str } from '../model/schema.js';
import { OrgBuilder } from './builder.js';

export * from './names.js';
export { OrgBuilder } from './builder.js';
export type { SalesObject } from './org-writer.js';

const activeValues = (values: string[], inactive: string[] = []): FieldDef['picklistValues'] =>
  values.map((value) => ({ value, label: value, active: !inactive.includes(value), defaultValue: false }));

/**
 * The custom Lead fields the compare setup file (examples/oncehub-compare.json) writes, as the sandbox has them:
 * one per kind of difference `sf oncehub compare` reports.
 */
function withCompareFields(builder: OrgBuilder): OrgBuilder {
  return builder
    .withCustomField('Lead', picklist('Meeting_Type__c', ['Demo', 'Webinar'], { label: 'Meeting Type', restrictedPicklist: true }))
    .withCustomField('Lead', picklist('Channel__c', ['Direct', 'Partner'], { label: 'Channel', restrictedPicklist: true }))
    .withCustomField('Lead', str('Campaign_Code__c', 50, { label: 'Campaign Code' }))
    .withCustomField('Lead', str('Source_Detail__c', 255, { label: 'Source Detail' }))
    .withCustomField('Lead', str('Partner_Code__c', 50, { label: 'Partner Code' }))
    .withCustomField('Lead', str('Referral__c', 100, { label: 'Referral' }));
}

/** Every step done (the Event layout fields unless told), the compare fields, one validation rule. */
function readyForCompare(options: BaseOptions, ready: { apiUser?: string; layoutFields?: boolean } = {}): OrgBuilder {
  const builder = new OrgBuilder(options);
  if (ready.apiUser) builder.withApiUser(ready.apiUser);
  builder.withPackage().withPermsetAssigned();
  if (ready.layoutFields !== false) builder.withEventLayoutFields();
  return withCompareFields(
    builder
      .withAssignmentRules()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)' })
  );
}

export const scenarios = {
  /** The base org (production unless `sandbox`/`scratch`), admin API user, no package. */
  base(options: BaseOptions = {}): OrgBuilder {
    return new OrgBuilder(options);
  },
  /**
   * The demo org: production, admin API user, package installed but permission set not assigned,
   * Event layouts without the package fields, one required field, one validation rule,
   * one duplicate rule and an active Lead assignment rule.
   */
  demo(options: BaseOptions = {}): OrgBuilder {
    return new OrgBuilder(options)
      .withPackage()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)', errorDisplayField: 'Phone' })
      .withDuplicateRule({ object: 'Lead', developerName: 'Standard_Rule_for_Leads_with_Duplicate_Contacts' })
      .withAssignmentRule('Lead', 'Standard Lead Routing');
  },
  /**
   * Every OnceHub step done for `apiUser` (default `api@acme.example`, a System Administrator), an active Lead
   * assignment rule (`leadRule`, default `Lead Routing`) and a Standard User `rep1@acme.example`.
   */
  completed(options: { apiUser?: string; leadRule?: string } = {}): OrgBuilder {
    const apiUser = options.apiUser ?? 'api@acme.example';
    return new OrgBuilder()
      .withApiUser(apiUser)
      .withPackage()
      .withPermsetAssigned(apiUser)
      .withEventLayoutFields()
      .withAssignmentRule('Lead', options.leadRule)
      .withUser({ username: 'rep1@acme.example', profile: 'Standard User' });
  },
  /** The demo org with 95 % of its daily API requests used (14250 of 15000): doctor's api-usage warns. */
  nearApiLimit(options: BaseOptions = {}): OrgBuilder {
    return scenarios.demo(options).withApiUsage(14_250, 15_000);
  },
  /**
   * The demo org plus required fields without defaults of the kinds OnceHub treats differently: a restricted picklist
   * `Lead.Lead_Type__c` (first value inactive), a number `Contact.Score__c`, a date `Case.Due_Date__c` and an email
   * `Account.Billing_Email__c`.
   */
  requiredFieldTypes(options: BaseOptions = {}): OrgBuilder {
    return scenarios
      .demo(options)
      .withCustomField(
        'Lead',
        field('Lead_Type__c', 'picklist', {
          label: 'Lead Type',
          nillable: false,
          restrictedPicklist: true,
          picklistValues: [
            { value: 'Legacy', label: 'Legacy', active: false, defaultValue: false },
            { value: 'Inbound', label: 'Inbound', active: true, defaultValue: false },
            { value: 'Outbound', label: 'Outbound', active: true, defaultValue: false },
          ],
        })
      )
      .withCustomField('Contact', field('Score__c', 'double', { label: 'Score', nillable: false }))
      .withCustomField('Case', field('Due_Date__c', 'date', { label: 'Due Date', nillable: false }))
      .withCustomField('Account', field('Billing_Email__c', 'email', { label: 'Billing Email', nillable: false }));
  },
  /**
   * The sandbox where OnceHub was set up and tested (`sf oncehub compare`'s source): every step done for
   * `admin@acme.example.uat`, the compare fields, ids of its own (pod `Sb`) so it can be logged in next to production.
   */
  sandboxReady(): OrgBuilder {
    return readyForCompare({ sandbox: true, pod: 'Sb', orgName: 'Acme Corporation (UAT)' }, { apiUser: SANDBOX_ADMIN_USERNAME });
  },
  /** Production set up exactly like sandboxReady(): compare finds nothing that matters. */
  productionReady(): OrgBuilder {
    return readyForCompare({});
  },
  /**
   * Production that drifted from sandboxReady() in every way compare reports: the permission set not assigned and the
   * layout fields missing (checks); Campaign_Code__c missing, Source_Detail__c a text area, Partner_Code__c read-only,
   * Referral__c not updateable, Meeting_Type__c without "Webinar", Channel__c's "Partner" inactive, a newly required
   * Budget__c, and a validation rule and a duplicate rule only here.
   */
  productionDrifted(): OrgBuilder {
    return new OrgBuilder({})
      .withPackage()
      .withAssignmentRules()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)' })
      .withValidationRule({ object: 'Lead', name: 'Budget_Positive', errorMessage: 'Budget must be positive.', formula: 'Budget__c <= 0' })
      .withDuplicateRule({ object: 'Contact', developerName: 'Standard_Contact_Duplicate_Rule' })
      .withCustomField('Lead', picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type', restrictedPicklist: true }))
      .withCustomField('Lead', field('Channel__c', 'picklist', { label: 'Channel', restrictedPicklist: true, picklistValues: activeValues(['Direct', 'Partner'], ['Partner']) }))
      .withCustomField('Lead', field('Source_Detail__c', 'textarea', { label: 'Source Detail', length: 32_768 }))
      .withCustomField('Lead', readOnly(str('Partner_Code__c', 50, { label: 'Partner Code' })))
      .withCustomField('Lead', { ...str('Referral__c', 100, { label: 'Referral' }), updateable: false })
      .withCustomField('Lead', field('Budget__c', 'currency', { label: 'Budget', nillable: false }));
  },
  /** The demo's production: like sandboxReady() but the Event layouts lack the package fields and "Webinar" is missing. */
  productionForDemo(): OrgBuilder {
    return readyForCompare({}, { layoutFields: false }).withCustomField(
      'Lead',
      picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type', restrictedPicklist: true })
    );
  },
};
