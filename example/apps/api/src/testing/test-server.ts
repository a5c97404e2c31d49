import { listen } from '@example/http-kit';
import { createApp, type AppOptions } from '../app.js';
import { InMemoryRepository, type InMemoryOptions } from '../repository/index.js';

export interface TestServer {
  readonly url: string;
  readonly repository: InMemoryRepository;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the API on a free loopback port with a fresh in-memory store. */
export async function startTestServer(
  options: InMemoryOptions & Partial<Omit<AppOptions, 'repository'>> = {},
): Promise<TestServer> {
  const repository = new InMemoryRepository(options);
  const { url, close } = await listen(createApp({ taxRate: 0.2, ...options, repository }));
  return {
    url,
    repository,
    close,
    get: (path) => fetch(`${url}${path}`),
    post: (path, body) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** `response.json()` typed for assertions. */
export const json = (response: Response): Promise<any> => response.json();
