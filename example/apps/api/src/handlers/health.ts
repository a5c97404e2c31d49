import type { Repository } from '../repository/index.js';
import type { Handler } from './types.js';

export function healthHandler(repository: Repository): Handler {
  return async () => {
    try {
      await repository.ping();
      return { status: 200, body: { status: 'ok', checks: { repository: 'ok' } } };
    } catch {
      return { status: 503, body: { status: 'unavailable', checks: { repository: 'failing' } } };
    }
  };
}
