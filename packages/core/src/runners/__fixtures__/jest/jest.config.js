// A short per-test timeout so the slow fixture times out quickly; plain CommonJS, no transform.
module.exports = {
  testEnvironment: 'node',
  testTimeout: 200,
  transform: {},
};
