/** Errors of @shardwise/db: each has a stable `code` and a message that says what, where and how to fix. */
export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DbError';
  }
}

/** A statement of the schema failed: names the file, the statement's number and its text. */
export class MigrationError extends DbError {
  constructor(
    readonly file: string,
    readonly statementIndex: number,
    readonly statement: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const text = statement.length > 400 ? `${statement.slice(0, 400)}…` : statement;
    super(
      'SHARDWISE_DB_MIGRATION_FAILED',
      `${file}: statement ${statementIndex + 1} failed: ${reason}\n  ${text.replace(/\n/g, '\n  ')}`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}
