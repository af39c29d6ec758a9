import type { Connection } from '@salesforce/core';
import { fetchAssignmentFacts } from '../installation/assign.js';
import { PACKAGE_EVENT_FIELDS, readLayoutFacts, readLayouts } from '../installation/layout.js';
import { type OrgContext, toSfError } from '../org/errors.js';
import type { PlanFacts } from './plan.js';

/**
 * Reads what the plan needs, with the installation libraries' own readers, the sequences side by side: the
 * permission set and the API user (REST Composite), then its assignment (REST Composite); the Event layouts in use
 * (Tooling query) and the Event describe, then the layouts' metadata (Metadata API, ≤ 10 per call). Five requests
 * for up to 10 layouts, two round trips of latency. Layout metadata is not read when the package fields are missing:
 * there is nothing the plan could add then.
 */
export async function readPlanFacts(conn: Connection, apiUsername: string, ctx: OrgContext): Promise<PlanFacts> {
  const readLayoutSide = async (): Promise<Omit<PlanFacts, 'assignment'>> => {
    const facts = await readLayoutFacts(conn);
    const complete = PACKAGE_EVENT_FIELDS.every((f) => facts.fieldsInOrg.includes(f));
    return { ...facts, metadata: complete ? await readLayouts(conn, facts.layouts) : [] };
  };
  try {
    const [assignment, layouts] = await Promise.all([fetchAssignmentFacts(conn, [apiUsername]), readLayoutSide()]);
    return { assignment, ...layouts };
  } catch (err) {
    throw toSfError(err, ctx);
  }
}
