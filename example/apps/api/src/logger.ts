type Fields = Record<string, unknown>;

function write(level: 'info' | 'error', message: string, fields: Fields): void {
  const error = fields.error instanceof Error ? { error: fields.error.stack } : {};
  const line = JSON.stringify({
    level,
    time: new Date().toISOString(),
    message,
    ...fields,
    ...error,
  });
  process.stderr.write(`${line}\n`);
}

/** JSON lines on stderr. */
export const logger = {
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};
