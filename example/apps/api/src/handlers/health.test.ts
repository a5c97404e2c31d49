import { describe, expect, it, vi } from 'vitest';
import { InMemoryRepository } from '../repository/index.js';
import { healthHandler } from './health.js';

const context = { params: {}, query: new URLSearchParams(), body: undefined };

describe('healthHandler', () => {
  it('is ok when the repository answers', async () => {
    const result = await healthHandler(new InMemoryRepository())(context);
    expect(result).toEqual({ status: 200, body: { status: 'ok', checks: { repository: 'ok' } } });
  });

  it('is unavailable when the repository fails', async () => {
    const repository = new InMemoryRepository();
    vi.spyOn(repository, 'ping').mockRejectedValue(new Error('connection refused'));
    const result = await healthHandler(repository)(context);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ checks: { repository: 'failing' } });
  });
});
