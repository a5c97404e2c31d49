import { listen } from '@example/http-kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { logger } from './logger.js';
import { InMemoryRepository } from './repository/index.js';

const config = loadConfig();
const repository = new InMemoryRepository({ latencyMs: config.repositoryLatencyMs });
const server = createApp({ repository, ...config });
const { url, close } = await listen(server, config);
logger.info('API listening', { url });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void close().then(() => process.exit(0)));
}
