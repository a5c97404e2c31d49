/**
 * @shardwise/nx: the inference plugin and its post-run hook (executors and generators are
 * declared in their json).
 */
export {
  createNodes,
  createNodesV2,
  postTasksExecution,
  type ShardwisePluginOptions,
} from './plugins/plugin';
