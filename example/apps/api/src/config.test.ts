import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has defaults for every setting', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      taxRate: 0.2,
      bodyLimitBytes: 65536,
      repositoryLatencyMs: 0,
    });
  });

  it('reads the environment', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      TAX_RATE: '0.07',
      REPOSITORY_LATENCY_MS: '25',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      taxRate: 0.07,
      repositoryLatencyMs: 25,
    });
  });

  it.each([
    ['PORT', '70000'],
    ['TAX_RATE', '20%'],
    ['BODY_LIMIT_BYTES', '-1'],
  ])('names the variable when %s=%s is invalid', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be a number`));
  });
});
