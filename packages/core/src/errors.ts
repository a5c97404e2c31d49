/**
 * Errors that Shardwise knows how to explain. Each carries a stable `code`; the CLI prints the
 * message without a stack and exits with `exitCode`. Anything else reaching the top level is a
 * broken invariant and is printed with its stack and a request to file an issue.
 */
export class ShardwiseError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShardwiseError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad configuration: names the source (file or variable), the key path and what was expected. */
export class ConfigError extends ShardwiseError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SHARDWISE_CONFIG', message, { exitCode: 2, ...options });
    this.name = 'ConfigError';
  }
}

/** Bad command-line usage. */
export class UsageError extends ShardwiseError {
  constructor(message: string) {
    super('SHARDWISE_USAGE', message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** A git command that `affected` relies on failed (unknown ref, not a repository). */
export class GitError extends ShardwiseError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SHARDWISE_GIT', message, { exitCode: 2, ...options });
    this.name = 'GitError';
  }
}

export function isShardwiseError(error: unknown): error is ShardwiseError {
  return error instanceof ShardwiseError;
}
