/** @shardwise/nx: the inference plugin (executors and generators are declared in their json). */
export { createNodes, createNodesV2, type ShardwisePluginOptions } from './plugins/plugin';
