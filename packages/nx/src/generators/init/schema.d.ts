export interface InitGeneratorSchema {
  /**
   * Comma-separated default categories to configure even without matching files (smoke,
   * integration, e2e, agents, performance); `unit` is always added, last. Default: those with
   * matching test files.
   */
  categories?: string | string[];
  /** One shard count for every category. Default: suggested per category from its test files. */
  shards?: number;
  /** Prefix of the inferred target names. Default: `test`, or `sw` etc. when `test-…` collides. */
  targetPrefix?: string;
  skipFormat?: boolean;
}
