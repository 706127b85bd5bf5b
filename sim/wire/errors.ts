// vLLM's error bodies (reference vllm.md §1.5): {"error":{message,type,param,code}} with code = the HTTP status.

export interface WireError {
  status: number;
  message: string;
  type: string;
  param: string | null;
}

const TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  501: 'NotImplementedError',
};

export function wireError(status: number, message: string, param: string | null = null, type?: string): WireError {
  return { status, message, type: type ?? TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'Error'), param };
}

export function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && 'status' in value && 'message' in value && 'type' in value;
}

export function errorBody(error: WireError): {
  error: { message: string; type: string; param: string | null; code: number };
} {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.status } };
}

export function badRequest(message: string, param: string | null = null): WireError {
  return wireError(400, message, param);
}

export function unknownModel(model: string): WireError {
  return wireError(404, `The model \`${model}\` does not exist.`, 'model');
}

export function anthropicErrorBody(error: WireError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: error.type, message: error.message } };
}
