/**
 * What init found and wrote, through Nx's logger: one line per project (runner, test files per
 * category), a warning per project with test files and no runner, the categories with their
 * shard counts, and the next step.
 */
import { logger } from '@nx/devkit';
import type { ProjectTargets } from '../../lib/find-target-collisions';
import { describeCollisions } from '../../lib/find-target-collisions';
import type { PrefixChoice } from './choose-target-prefix';
import type { TestFileCensus } from './collect-test-files';
import type { RunnerDetection } from './detect-runner';
import type { CategoryProposal } from './propose-categories';

export function logFindings(input: {
  projects: readonly ProjectTargets[];
  census: TestFileCensus;
  proposal: CategoryProposal;
  runners: ReadonlyMap<string, RunnerDetection>;
  /** True when the options set `runner` at the top level, so detection does not matter. */
  runnerConfigured: boolean;
  choice: PrefixChoice;
  optionsPath: string;
  cores: number;
  gitignoreAdded: boolean;
}): void {
  const { projects, census, proposal, runners, choice, optionsPath } = input;
  const order = proposal.entries.map(([name]) => name);
  for (const project of projects) {
    const detection = runners.get(project.name);
    const counts = proposal.perProject.get(project.name);
    const files = census.byProject.get(project.name)?.length ?? 0;
    const perCategory =
      counts === undefined
        ? 'no test files'
        : order
            .filter((name) => (counts.get(name) ?? 0) > 0)
            .map((name) => `${name} ${counts.get(name) ?? 0}`)
            .join(', ');
    const runner =
      detection?.runner === undefined ? 'no runner' : `${detection.runner} (${detection.reason})`;
    logger.info(`Shardwise: ${project.name}: ${runner}; ${perCategory}`);
    if (detection?.runner === undefined && files > 0 && !input.runnerConfigured) {
      logger.warn(
        `Shardwise: ${project.name} (${project.root || '.'}) has ${files} test file${files === 1 ? '' : 's'} but no detectable runner ` +
          `(no jest.config.*, vitest.config.* or vite.config.* at its root, no package.json "jest" key, no test script running jest, vitest or node --test). ` +
          `Add the runner's config file, or set "runner": "jest" | "vitest" | "node" in nx.json ${optionsPath} (every category) or in ${optionsPath}.categories.<name> (one category).`,
      );
    }
  }
  if (census.outside.length > 0) {
    logger.warn(
      `Shardwise: ${census.outside.length} test file${census.outside.length === 1 ? ' is' : 's are'} outside every project (first: ${census.outside[0] ?? ''}); the plugin only runs tests of projects.`,
    );
  }
  if (proposal.uncategorized > 0) {
    logger.warn(
      `Shardwise: ${proposal.uncategorized} test file${proposal.uncategorized === 1 ? ' matches' : 's match'} no category; "shardwise plan" lists them. Add a catch-all "unit": {} category to run them.`,
    );
  }
  if (choice.avoided.length > 0) {
    logger.warn(
      `Shardwise: the default target names collide with existing targets (${describeCollisions(choice.avoided)}); ` +
        `they are left as they are and Shardwise's targets use "targetPrefix": "${choice.prefix}" (${choice.prefix}-${order[order.length - 1] ?? 'unit'}, ${choice.prefix}-optimized, …). ` +
        `Pass --targetPrefix <prefix> to choose another.`,
    );
  }
  const categories = proposal.summary
    .map(
      (c) =>
        `${c.name}: ${c.files} file${c.files === 1 ? '' : 's'}, ~${(c.estimatedMs / 1000).toFixed(1)} s, ${c.shards} shard${c.shards === 1 ? '' : 's'}${c.shardsFrom === 'suggested' ? '' : ` (${c.shardsFrom})`}`,
    )
    .join('; ');
  logger.info(
    `Shardwise: wrote ${optionsPath} in nx.json with targetPrefix "${choice.prefix}" and these categories, in match order (first match wins; shard counts suggested for ${input.cores} core${input.cores === 1 ? '' : 's'}): ${categories}`,
  );
  if (input.gitignoreAdded)
    logger.info('Shardwise: added .shardwise (cache and reports) to .gitignore');
  logger.info('Next: npx shardwise timings update && commit shardwise-timings.json');
}
