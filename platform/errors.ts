// The platform's few error types. Everything that reaches a user goes through
// one of these, and one handler (platform/api/error-handler.ts) maps them.

export enum ErrorCode {
  InvalidConfig = 'invalid_config',
  InvalidInput = 'invalid_input',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  Unavailable = 'unavailable',
  MissingDependency = 'missing_dependency',
}

const statusByCode: Record<ErrorCode, number> = {
  [ErrorCode.InvalidConfig]: 400,
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.MissingDependency]: 500,
};

/** A domain error with a typed code; the HTTP status follows from the code. */
export class FaultlineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultlineError';
    this.code = code;
  }
  get status(): number {
    return statusByCode[this.code];
  }
}

/** An error that already knows its HTTP status (as Hono's HTTPException). */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
