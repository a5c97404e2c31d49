/**
 * Runs inside a Jest project's folder (`node warm-jest-child.js <file-list.json>` with
 * SHARDWISE_JEST_BIN): loads the project's Jest config with Jest's own `jest-config`, creates
 * Jest's ScriptTransformer for it and transforms every listed file, so Jest's cache folder holds
 * the transforms the first run would otherwise compute. The options are the ones Jest's runtime
 * passes for a CommonJS module without coverage, so the cache keys are the ones a run looks up.
 * Prints one JSON line: { transformed, skipped, errors }. Node built-ins and the project's Jest only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';

interface JestConfigModule {
  readConfigs(
    argv: Record<string, unknown>,
    projectPaths: string[],
  ): Promise<{ configs: Array<Record<string, unknown>> }>;
}

interface ScriptTransformer {
  transform(filename: string, options: Record<string, unknown>, fileSource?: string): unknown;
}

interface JestTransformModule {
  createScriptTransformer(config: Record<string, unknown>): Promise<ScriptTransformer>;
}

async function main(): Promise<void> {
  const jestBin = process.env['SHARDWISE_JEST_BIN'];
  if (!jestBin) throw new Error('SHARDWISE_JEST_BIN is not set');
  // As jest-cli does: transformers' cache keys include NODE_ENV.
  process.env['NODE_ENV'] ??= 'test';
  const files = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as string[];
  // jest → @jest/core, which depends on jest-config and @jest/transform.
  const fromCore = createRequire(createRequire(jestBin).resolve('@jest/core'));
  const jestConfig = fromCore('jest-config') as JestConfigModule;
  const jestTransform = fromCore('@jest/transform') as JestTransformModule;
  // As jest-cli reads it (the config's id names Jest's transform cache folder).
  const { configs } = await jestConfig.readConfigs({ $0: 'jest', _: [] }, [process.cwd()]);
  const [projectConfig] = configs;
  if (projectConfig === undefined) throw new Error(`no Jest config in ${process.cwd()}`);
  // Transformers may normalise their options in place when loaded (@swc/jest does), and Jest's
  // runtime keys its cache on the config as it is after that: the second transformer sees it so.
  await jestTransform.createScriptTransformer(projectConfig);
  const transformer = await jestTransform.createScriptTransformer(projectConfig);
  const options = {
    isInternalModule: false,
    supportsDynamicImport:
      typeof (vm as { SyntheticModule?: unknown }).SyntheticModule === 'function',
    supportsExportNamespaceFrom: false,
    supportsStaticESM: false,
    supportsTopLevelAwait: false,
    collectCoverage: false,
    collectCoverageFrom: [],
    coverageProvider: 'babel',
  };
  let transformed = 0;
  const errors: string[] = [];
  for (const file of files) {
    try {
      transformer.transform(file, options);
      transformed++;
    } catch (error) {
      if (errors.length < 5) errors.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  process.stdout.write(`${JSON.stringify({ transformed, errors })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
