/**
 * One concern as read from the org: its value, or the failure of its subrequest (a 4xx on one query, a Tooling object
 * the user may not read). Fetchers return these so that each check can report its own unreadable facts instead of
 * aborting the whole report; the phases' judges and the doctor share the type.
 */

export type FetchFailure = { errorCode: string; message: string };
export type Fetched<T> = { ok: true; value: T } | ({ ok: false } & FetchFailure);

export const fetched = <T>(value: T): Fetched<T> => ({ ok: true, value });
export const notFetched = <T>(failure: FetchFailure): Fetched<T> => ({ ok: false, ...failure });
