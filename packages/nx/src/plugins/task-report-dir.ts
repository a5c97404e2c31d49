/** Where an Nx task's report goes: a fixed folder per target, so it can be a cached output. */
export function taskReportDir(projectName: string, targetName: string): string {
  return `.shardwise/reports/${projectName}/${targetName}`;
}
