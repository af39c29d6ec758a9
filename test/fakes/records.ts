/**
 * Salesforce record and result shapes shared by the unit tests' fake orgs: query results (REST and Tooling), records
 * with their `attributes`, nested parents, and the rows of the API-user, permission-set, layout and package queries.
 */

export type OrganizationRow = {
  Id: string;
  Name: string;
  IsSandbox: boolean;
  TrialExpirationDate: string | null;
  OrganizationType: string;
  InstanceName: string;
};

export const PROD_ORG_ID = '00D5g000000ProdAAA';

export function productionOrg(): OrganizationRow {
  return { Id: PROD_ORG_ID, Name: 'Acme Inc.', IsSandbox: false, TrialExpirationDate: null, OrganizationType: 'Enterprise Edition', InstanceName: 'NA139' };
}

/** What the API-user checks read about a user: its profile, license and the profile's object permissions. */
export type ApiUserRow = {
  Id: string;
  Username: string;
  /** Left out of the record when undefined (connect does not select it). */
  Email?: string;
  Name: string;
  IsActive: boolean;
  profileName: string | null;
  licenseName: string | null;
  apiEnabled: boolean;
  modifyAllData: boolean;
  editEvent: boolean;
  /** Object permissions of the profile, e.g. { Lead: 'RCED' }; missing objects have no row. */
  objectPerms: Record<string, string>;
  /** Permission sets assigned beyond the profile (a `group` label makes it a group's aggregate set). */
  permissionSets?: GrantRow[];
  /** UserLogin.IsFrozen. */
  frozen?: boolean;
};

/** A permission set a user holds beyond its profile: a regular set, or (with `group`) a group's aggregate set. */
export type GrantRow = {
  Id: string;
  label: string;
  group?: string;
  apiEnabled?: boolean;
  modifyAllData?: boolean;
  editEvent?: boolean;
  objectPerms?: Record<string, string>;
};

/** A System Administrator with every permission the API user needs. */
export function fullAccess(): Omit<ApiUserRow, 'Id' | 'Username' | 'Email' | 'Name'> {
  return {
    IsActive: true,
    profileName: 'System Administrator',
    licenseName: 'Salesforce',
    apiEnabled: true,
    modifyAllData: true,
    editEvent: true,
    objectPerms: { Lead: 'RCED', Account: 'RCED', Contact: 'RCED', Case: 'RCED' },
  };
}

export function attributes(type: string, tooling = false): { type: string; url: string } {
  return { type, url: `/services/data/v62.0/${tooling ? 'tooling/' : ''}sobjects/${type}/x` };
}

/** A query result; Tooling adds its own keys. */
export function queryResult(records: unknown[], tooling = false): Record<string, unknown> {
  return {
    ...(tooling ? { size: records.length, queryLocator: null, entityTypeName: 'X' } : {}),
    totalSize: records.length,
    done: true,
    records,
  };
}

/** The nested `UserLicense` parent, null without a license. */
export function userLicense(name: string | null): unknown {
  return name === null ? null : { attributes: attributes('UserLicense'), Name: name };
}

export function organizationRecord(org: OrganizationRow): unknown {
  return { attributes: attributes('Organization'), ...org };
}

/** The API user's row: the user with its profile's license and system permissions (Profile null without a profile). */
export function apiUserRecord(user: ApiUserRow): unknown {
  return {
    attributes: attributes('User'),
    Id: user.Id,
    Username: user.Username,
    ...(user.Email === undefined ? {} : { Email: user.Email }),
    Name: user.Name,
    IsActive: user.IsActive,
    ProfileId: '00e5g000000ProfAAA',
    Profile:
      user.profileName === null
        ? null
        : {
            attributes: attributes('Profile'),
            Name: user.profileName,
            UserLicense: userLicense(user.licenseName),
            PermissionsApiEnabled: user.apiEnabled,
            PermissionsModifyAllData: user.modifyAllData,
            PermissionsEditEvent: user.editEvent,
          },
  };
}

/** The profile's own permission set with its object permissions; an empty child subquery comes back as null. */
export function profilePermissionSet(objectPerms: Record<string, string>): unknown {
  const rows = Object.entries(objectPerms).map(([SobjectType, access]) => ({
    attributes: attributes('ObjectPermissions'),
    SobjectType,
    PermissionsRead: access.includes('R'),
    PermissionsCreate: access.includes('C'),
    PermissionsEdit: access.includes('E'),
    PermissionsDelete: access.includes('D'),
  }));
  return { attributes: attributes('PermissionSet'), Id: '0PS5g000000ProfAAA', ObjectPerms: rows.length ? queryResult(rows) : null };
}

const objectPermsOf = (objectPerms: Record<string, string>): unknown => {
  const rows = Object.entries(objectPerms).map(([SobjectType, access]) => ({
    attributes: attributes('ObjectPermissions'),
    SobjectType,
    PermissionsRead: access.includes('R'),
    PermissionsCreate: access.includes('C'),
    PermissionsEdit: access.includes('E'),
    PermissionsDelete: access.includes('D'),
  }));
  return rows.length ? queryResult(rows) : null;
};

/**
 * The rows of the "permission sets of a user" query: the profile-owned set (its row in PermissionSetAssignment exists
 * for every user) and each assigned set, with the three permissions and the object permissions.
 */
export function userPermissionSetRecords(user: ApiUserRow): unknown[] {
  const profileRow =
    user.profileName === null
      ? []
      : [
          {
            attributes: attributes('PermissionSet'),
            Id: '0PS5g000000ProfAAA',
            Label: '00e5g000000Prof_128_09_04_12_1',
            Type: 'Profile',
            IsOwnedByProfile: true,
            Profile: { attributes: attributes('Profile'), Name: user.profileName },
            PermissionSetGroupId: null,
            PermissionSetGroup: null,
            PermissionsApiEnabled: user.apiEnabled,
            PermissionsModifyAllData: user.modifyAllData,
            PermissionsEditEvent: user.editEvent,
            ObjectPerms: objectPermsOf(user.objectPerms),
          },
        ];
  const assigned = (user.permissionSets ?? []).map((ps) => ({
    attributes: attributes('PermissionSet'),
    Id: ps.Id,
    Label: ps.group ?? ps.label,
    Type: ps.group ? 'Group' : 'Regular',
    IsOwnedByProfile: false,
    Profile: null,
    PermissionSetGroupId: ps.group ? `0PG${ps.Id.slice(3)}` : null,
    PermissionSetGroup: ps.group ? { attributes: attributes('PermissionSetGroup'), MasterLabel: ps.group } : null,
    PermissionsApiEnabled: ps.apiEnabled === true,
    PermissionsModifyAllData: ps.modifyAllData === true,
    PermissionsEditEvent: ps.editEvent === true,
    ObjectPerms: objectPermsOf(ps.objectPerms ?? {}),
  }));
  return [...profileRow, ...assigned];
}

/** What the user can really do: its profile's grants ORed with its permission sets'. */
export function effectiveAccess(user: ApiUserRow): { apiEnabled: boolean; modifyAllData: boolean; editEvent: boolean; objectPerms: Record<string, string> } {
  const sets = user.permissionSets ?? [];
  const objectPerms: Record<string, string> = { ...user.objectPerms };
  for (const ps of sets) for (const [object, access] of Object.entries(ps.objectPerms ?? {})) objectPerms[object] = `${objectPerms[object] ?? ''}${access}`;
  return {
    apiEnabled: user.apiEnabled || sets.some((ps) => ps.apiEnabled),
    modifyAllData: user.modifyAllData || sets.some((ps) => ps.modifyAllData),
    editEvent: user.editEvent || sets.some((ps) => ps.editEvent),
    objectPerms,
  };
}

/** The one UserPermissionAccess row of the running user. */
export function userPermissionAccessRecord(user: ApiUserRow): unknown {
  const e = effectiveAccess(user);
  return { attributes: attributes('UserPermissionAccess'), PermissionsApiEnabled: e.apiEnabled, PermissionsModifyAllData: e.modifyAllData, PermissionsEditEvent: e.editEvent };
}

/** UserEntityAccess rows of a user for some objects. */
export function userEntityAccessRecords(user: ApiUserRow, objects: readonly string[]): unknown[] {
  const { objectPerms } = effectiveAccess(user);
  return objects.map((object) => {
    const access = objectPerms[object] ?? '';
    return {
      attributes: attributes('UserEntityAccess'),
      EntityDefinitionId: object,
      IsReadable: access.includes('R'),
      IsCreatable: access.includes('C'),
      IsEditable: access.includes('E'),
      IsDeletable: access.includes('D'),
    };
  });
}

/** The user's UserLogin row. */
export const userLoginRecord = (user: ApiUserRow): unknown => ({ attributes: attributes('UserLogin'), UserId: user.Id, IsFrozen: user.frozen === true });

/** A Tooling ProfileLayout row: which layout a profile sees. */
export function profileLayoutRecord(row: { Id: string; LayoutId: string; layoutName: string; ProfileId: string; profileName: string }): unknown {
  return {
    attributes: attributes('ProfileLayout', true),
    Id: row.Id,
    LayoutId: row.LayoutId,
    Layout: { attributes: attributes('Layout', true), Name: row.layoutName },
    ProfileId: row.ProfileId,
    Profile: { attributes: attributes('Profile', true), Name: row.profileName },
    RecordTypeId: null,
  };
}

/** A Tooling InstalledSubscriberPackage row with its package and version parents. */
export function installedPackageRecord(row: {
  Id: string;
  SubscriberPackageId: string;
  namespace: string | null;
  name: string;
  version: { Id: string; Name: string; MajorVersion: number; MinorVersion: number; PatchVersion: number; BuildNumber: number };
}): unknown {
  return {
    attributes: attributes('InstalledSubscriberPackage', true),
    Id: row.Id,
    SubscriberPackageId: row.SubscriberPackageId,
    SubscriberPackage: { attributes: attributes('SubscriberPackage', true), NamespacePrefix: row.namespace, Name: row.name },
    SubscriberPackageVersion: { attributes: attributes('SubscriberPackageVersion', true), ...row.version },
  };
}

/** An sObject Collections save result that failed. */
export const saveFailure = (statusCode: string, message: string): unknown => ({ success: false, errors: [{ statusCode, message, fields: [] }] });
