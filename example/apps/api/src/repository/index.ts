export type { Page, ProductPage, Repository, Store } from './repository.js';
export { InMemoryRepository, type InMemoryOptions } from './in-memory.js';
export { PostgresRepository } from './postgres.js';
export { seedProducts } from './seed.js';
