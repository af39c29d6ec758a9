/** An error Salesforce would answer with `[{message, errorCode, fields?}]` and an HTTP status. */
export class ApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly errorCode: string,
    message: string,
    public readonly fields?: string[]
  ) {
    super(message);
    this.name = errorCode;
  }

  public toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

export function notFound(): ApiError {
  return new ApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

export function invalidSession(): ApiError {
  return new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
}

/** A DML failure on one record; single-record endpoints turn it into a 400, collections into a SaveResult. */
export interface DmlError {
  statusCode: string;
  message: string;
  fields: string[];
}

export class DmlFailure extends Error {
  public constructor(public readonly errors: DmlError[]) {
    super(errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '));
  }

  public static of(statusCode: string, message: string, fields: string[] = []): DmlFailure {
    return new DmlFailure([{ statusCode, message, fields }]);
  }

  public toApiError(): ApiError {
    const first = this.errors[0];
    return new ApiError(400, first.statusCode, first.message, first.fields);
  }

  public toBody(): Array<{ message: string; errorCode: string; fields: string[] }> {
    return this.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
  }
}
