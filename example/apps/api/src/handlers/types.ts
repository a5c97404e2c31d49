export interface RequestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; `undefined` for an empty body or a GET. */
  readonly body: unknown;
}

export interface HandlerResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** Handlers get plain data and return plain data, so they are tested without a socket. */
export type Handler = (context: RequestContext) => Promise<HandlerResult>;
