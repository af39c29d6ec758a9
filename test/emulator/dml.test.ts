import { expect } from 'chai';
import { PERMSET_NAME, scenarios, to18, type Emulator } from '../../emulator/index.js';
import { raw, rejection, useEmulator, type Rec } from './helpers.js';

function ids(emu: Emulator): { ps: string; marketing: string; platformPs: string; group: string; jane: string; sam: string; pat: string; admin: string } {
  const org = emu.org;
  const psNamed = (name: string): string => String(org.records('PermissionSet').find((p) => p.Name === name)?.Id);
  return {
    ps: psNamed(PERMSET_NAME),
    marketing: psNamed('Marketing_Tools'),
    platformPs: psNamed('Platform_Reporting'),
    group: String(org.records('PermissionSetGroup')[0].Id),
    jane: org.requireUser('jane.doe@acme.example').Id,
    sam: org.requireUser('sam.sales@acme.example').Id,
    pat: org.requireUser('pat.platform@acme.example').Id,
    admin: org.requireUser('admin@acme.example').Id,
  };
}

describe('emulator: DML', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().withRequiredFields().build() }));

  describe('single records', () => {
    it('creates (201 SaveResult), retrieves with ?fields=, updates and deletes', async () => {
      const created = await ctx.conn.sobject('Lead').create({ LastName: 'Nguyen', Company: 'Contoso', Region__c: 'EMEA' });
      expect(created).to.deep.equal({ id: created.id, success: true, errors: [] });
      const id = String(created.id);
      expect(id).to.match(/^00Q\w{15}$/);
      const fetched = await raw(ctx.emu, `/services/data/v66.0/sobjects/Lead/${id}?fields=LastName,Status,Name`);
      expect(fetched.json).to.deep.equal({
        attributes: { type: 'Lead', url: `/services/data/v66.0/sobjects/Lead/${id}` },
        LastName: 'Nguyen',
        Status: 'Open - Not Contacted',
        Name: 'Nguyen',
      });
      await ctx.conn.sobject('Lead').update({ Id: id, FirstName: 'Linh' });
      const after = await ctx.conn.sobject('Lead').retrieve(id);
      expect(after.Name).to.equal('Linh Nguyen');
      expect(after.OwnerId).to.equal(ids(ctx.emu).admin);
      await ctx.conn.sobject('Lead').destroy(id);
      expect((await raw(ctx.emu, `/services/data/v66.0/sobjects/Lead/${id}`)).status).to.equal(404);
    });

    it('answers REQUIRED_FIELD_MISSING with the missing fields', async () => {
      const err = await rejection(ctx.conn.sobject('Lead').create({ LastName: 'X' }));
      expect(err.errorCode).to.equal('REQUIRED_FIELD_MISSING');
      expect(err.message).to.equal('Required fields are missing: [Company, Region__c]');
      expect((err.data as { fields: string[] }).fields).to.deep.equal(['Company', 'Region__c']);
    });

    it('answers INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE and restricted picklist errors', async () => {
      expect((await rejection(ctx.conn.sobject('Account').create({ Name: 'A', Bogus__c: 1 }))).errorCode).to.equal('INVALID_FIELD');
      expect((await rejection(ctx.conn.sobject('Account').create({ Name: 'A', CreatedDate: '2020-01-01T00:00:00Z' }))).errorCode).to.equal(
        'INVALID_FIELD_FOR_INSERT_UPDATE'
      );
      const pick = await rejection(ctx.conn.sobject('Case').create({ Subject: 'S', Priority_Level__c: 'Urgent' }));
      expect(pick.errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    });

    it('answers 404 NOT_FOUND for unknown types and records', async () => {
      const res = await raw(ctx.emu, '/services/data/v66.0/sobjects/Bogus__c', { method: 'POST', body: { Name: 'x' } });
      expect(res.status).to.equal(404);
      expect(res.json).to.deep.equal([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
      expect((await raw(ctx.emu, `/services/data/v66.0/sobjects/Account/${String(to18('001Dn0000000zzz'))}`)).status).to.equal(404);
      expect((await raw(ctx.emu, '/services/data/v66.0/sobjects/Bogus__c/describe')).status).to.equal(404);
    });
  });

  describe('PermissionSetAssignment', () => {
    it('inserts an assignment and refuses a duplicate with DUPLICATE_VALUE', async () => {
      const { ps, jane } = ids(ctx.emu);
      const ok = await ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: jane, PermissionSetId: ps });
      expect(ok.id).to.match(/^0Pa/);
      const err = await rejection(ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: jane, PermissionSetId: ps }));
      expect(err.errorCode).to.equal('DUPLICATE_VALUE');
      expect(err.message).to.equal(`Duplicate PermissionSetAssignment. Assignee: ${jane}; Permission Set: ${ps}`);
      expect((await raw(ctx.emu, '/services/data/v66.0/sobjects/PermissionSetAssignment', { method: 'POST', body: { AssigneeId: jane, PermissionSetId: ps } })).status).to.equal(400);
    });

    it('accepts 15-char ids and stores 18-char ones', async () => {
      const { marketing, jane } = ids(ctx.emu);
      const ok = await ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: jane.slice(0, 15), PermissionSetId: marketing.slice(0, 15) });
      const row = ctx.emu.org.get('PermissionSetAssignment', ok.id);
      expect(row?.AssigneeId).to.equal(jane);
      expect(row?.PermissionSetId).to.equal(marketing);
    });

    it('refuses a permission set whose licence differs from the profile licence', async () => {
      const { ps, pat } = ids(ctx.emu);
      const err = await rejection(ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: pat, PermissionSetId: ps }));
      expect(err.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(err.message).to.match(/licen[cs]e/i);
    });

    it('distinguishes MALFORMED_ID, INVALID_CROSS_REFERENCE_KEY and REQUIRED_FIELD_MISSING', async () => {
      const { ps, jane } = ids(ctx.emu);
      const account = ctx.emu.org.records('Account')[0].Id;
      const psa = ctx.conn.sobject('PermissionSetAssignment');
      expect((await rejection(psa.create({ AssigneeId: 'not-an-id', PermissionSetId: ps }))).errorCode).to.equal('MALFORMED_ID');
      expect((await rejection(psa.create({ AssigneeId: account, PermissionSetId: ps }))).errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
      expect((await rejection(psa.create({ AssigneeId: String(to18('005Dn0000000zzz')), PermissionSetId: ps }))).errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
      expect((await rejection(psa.create({ PermissionSetId: ps }))).errorCode).to.equal('REQUIRED_FIELD_MISSING');
      expect((await rejection(psa.create({ AssigneeId: jane }))).errorCode).to.equal('REQUIRED_FIELD_MISSING');
    });

    it('refuses assigning a profile-owned permission set', async () => {
      const org = ctx.emu.org;
      const profilePs = org.records('PermissionSet').find((p) => p.IsOwnedByProfile === true) as Rec;
      const err = await rejection(ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: ids(ctx.emu).sam, PermissionSetId: profilePs.Id }));
      expect(err.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
    });

    it('assigns a permission set group through PermissionSetGroupId', async () => {
      const { group, sam } = ids(ctx.emu);
      const ok = await ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: sam, PermissionSetGroupId: group });
      const row = ctx.emu.org.get('PermissionSetAssignment', ok.id) as Rec;
      const shadow = ctx.emu.org.get('PermissionSet', row.PermissionSetId) as Rec;
      expect(shadow.Type).to.equal('Group');
      expect(row.PermissionSetGroupId).to.equal(group);
      expect((await rejection(ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: sam, PermissionSetGroupId: group }))).errorCode).to.equal('DUPLICATE_VALUE');
    });

    it('makes the license mismatch message configurable', async () => {
      const { ps, pat } = ids(ctx.emu);
      const config = ctx.emu.org.config;
      const original = config.messages.licenseMismatch;
      config.messages.licenseMismatch = () => 'custom licence text';
      try {
        const err = await rejection(ctx.conn.sobject('PermissionSetAssignment').create({ AssigneeId: pat, PermissionSetId: ps }));
        expect(err.message).to.equal('custom licence text');
      } finally {
        config.messages.licenseMismatch = original;
      }
    });
  });

  describe('sObject Collections', () => {
    it('creates with allOrNone=false: per-record SaveResults with statusCode errors', async () => {
      const { ps, sam, admin, pat } = ids(ctx.emu);
      const records = [sam, admin, pat].map((AssigneeId) => ({ attributes: { type: 'PermissionSetAssignment' }, AssigneeId, PermissionSetId: ps }));
      const res = await raw(ctx.emu, '/services/data/v66.0/composite/sobjects', { method: 'POST', body: { allOrNone: false, records } });
      expect(res.status).to.equal(200);
      const [a, b, c] = res.json as Array<{ id?: string; success: boolean; errors: Array<{ statusCode: string; message: string; fields: string[] }> }>;
      expect(a.success).to.equal(true);
      expect(a.id).to.match(/^0Pa/);
      expect(b.success).to.equal(true);
      expect(c).to.not.have.property('id');
      expect(c.success).to.equal(false);
      expect(c.errors[0].statusCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(c.errors[0]).to.have.keys('statusCode', 'message', 'fields');
    });

    it('rolls everything back with allOrNone=true', async () => {
      const before = ctx.emu.org.records('Account').length;
      const records = [
        { attributes: { type: 'Account' }, Name: 'One' },
        { attributes: { type: 'Account' } },
        { attributes: { type: 'Account' }, Name: 'Three' },
      ];
      const res = await ctx.conn.requestPost<Array<{ success: boolean; errors: Array<{ statusCode: string }> }>>('/composite/sobjects', { allOrNone: true, records });
      expect(res.map((r) => r.errors[0]?.statusCode)).to.deep.equal(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING', 'ALL_OR_NONE_OPERATION_ROLLED_BACK']);
      expect(res.every((r) => !r.success)).to.equal(true);
      expect(ctx.emu.org.records('Account').length).to.equal(before);
    });

    it('reports duplicates per item through jsforce array create', async () => {
      const { marketing, jane } = ids(ctx.emu);
      const res = await ctx.conn.sobject('PermissionSetAssignment').create([
        { AssigneeId: jane, PermissionSetId: marketing },
        { AssigneeId: ids(ctx.emu).admin, PermissionSetId: marketing },
      ]);
      expect(res[0].success).to.equal(false);
      expect((res[0] as unknown as { errors: Array<{ statusCode: string }> }).errors[0].statusCode).to.equal('DUPLICATE_VALUE');
      expect(res[1].success).to.equal(true);
    });

    it('updates with PATCH and deletes with DELETE ?ids=', async () => {
      const created = await ctx.conn.sobject('Account').create([{ Name: 'U1' }, { Name: 'U2' }]);
      const idList = created.map((r) => String(r.id));
      const upd = await ctx.conn.sobject('Account').update(idList.map((Id) => ({ Id, Industry: 'Retail' })));
      expect(upd.every((r) => r.success)).to.equal(true);
      expect(ctx.emu.org.get('Account', idList[0])?.Industry).to.equal('Retail');
      const del = await raw(ctx.emu, `/services/data/v66.0/composite/sobjects?ids=${idList.join(',')},${String(to18('001Dn0000000zzz'))}&allOrNone=false`, { method: 'DELETE' });
      const results = del.json as Array<{ id: string; success: boolean; errors: Array<{ statusCode: string }> }>;
      expect(results.map((r) => r.success)).to.deep.equal([true, true, false]);
      expect(ctx.emu.org.get('Account', idList[0])).to.equal(undefined);
    });

    it('fails PATCH items per record: no Id, an unknown type; the others are saved', async () => {
      const [created] = await ctx.conn.sobject('Account').create([{ Name: 'P1' }]);
      const id = String(created.id);
      const records = [
        { attributes: { type: 'Account' }, Name: 'No id' },
        { attributes: { type: 'Nope__c' }, id, Name: 'Unknown type' },
        { attributes: { type: 'Account' }, id, Industry: 'Banking' },
      ];
      const res = await raw(ctx.emu, '/services/data/v66.0/composite/sobjects', { method: 'PATCH', body: { allOrNone: false, records } });
      expect(res.status).to.equal(200);
      const [a, b, c] = res.json as Array<{ id?: string; success: boolean; errors: Array<{ statusCode: string; message: string }> }>;
      expect(a).to.not.have.property('id');
      expect(a.errors.map((e) => [e.statusCode, e.message])).to.deep.equal([['MISSING_ARGUMENT', 'Id not specified in an update call']]);
      expect(b).to.deep.include({ id, success: false });
      expect(b.errors[0].statusCode).to.equal('INVALID_TYPE');
      expect(c).to.deep.equal({ id, success: true, errors: [] });
      expect(ctx.emu.org.get('Account', id)).to.deep.include({ Name: 'P1', Industry: 'Banking' });
    });

    it('refuses more than 200 records', async () => {
      const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `A${i}` }));
      const res = await raw(ctx.emu, '/services/data/v66.0/composite/sobjects', { method: 'POST', body: { allOrNone: false, records } });
      expect(res.status).to.equal(400);
      expect((res.json as Array<{ errorCode: string }>)[0].errorCode).to.equal('EXCEEDED_ID_LIMIT');
    });

    it('retrieves by ids through POST /composite/sobjects/<Type>', async () => {
      const { jane, sam } = ids(ctx.emu);
      const res = await raw(ctx.emu, '/services/data/v66.0/composite/sobjects/User', { method: 'POST', body: { ids: [jane, sam], fields: ['Username'] } });
      expect((res.json as Rec[]).map((r) => r.Username)).to.deep.equal(['jane.doe@acme.example', 'sam.sales@acme.example']);
    });
  });
});
