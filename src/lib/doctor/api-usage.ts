import type { Connection } from '@salesforce/core';
import { type Check, pass, skip, warn } from '../checks.js';
import { checkMessages as messages, checkTitle } from '../check-text.js';

/**
 * `api-usage` (Phase 1): the org's daily API requests, read from the `Sforce-Limit-Info: api-usage=N/M` header that
 * Salesforce puts on every REST answer. jsforce's Connection#request keeps the last one seen as
 * `limitInfo.apiUsage` (Composite POSTs included), so the check costs no request of its own.
 */

export type ApiUsage = { used: number; limit: number };

/** Warn from this share of the daily limit on: OnceHub's bookings fail once the org runs out. */
export const API_USAGE_WARN_SHARE = 0.9;

/** The usage of the last answer this connection received; undefined when none carried the header. */
export function apiUsageSeen(conn: Pick<Connection, 'limitInfo'>): ApiUsage | undefined {
  const usage = (conn.limitInfo as { apiUsage?: Partial<ApiUsage> } | undefined)?.apiUsage;
  if (!usage || typeof usage.used !== 'number' || typeof usage.limit !== 'number') return undefined;
  if (!Number.isFinite(usage.used) || !Number.isFinite(usage.limit)) return undefined;
  return { used: usage.used, limit: usage.limit };
}

const percent = ({ used, limit }: ApiUsage): string => `${Math.floor((used / limit) * 100)} %`;

export function judgeApiUsage(usage: ApiUsage | undefined): Check {
  const id = 'api-usage';
  if (!usage || usage.limit <= 0) return skip(id, checkTitle(id), messages.getMessage('api-usage.unknown'));
  const tokens = [usage.used, usage.limit, percent(usage)];
  if (usage.used >= usage.limit * API_USAGE_WARN_SHARE) {
    return warn(id, checkTitle(id), messages.getMessage('api-usage.high', tokens), messages.getMessage('api-usage.fix'));
  }
  return pass(id, checkTitle(id), messages.getMessage('api-usage.pass', tokens));
}
