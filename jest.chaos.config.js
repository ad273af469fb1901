/**
 * `npm run test:chaos`: the chaos specification alone. It starts its own 3-node cluster (127.0.0.1–3, CQL port 59042),
 * so the shared single node of `npm test` is not needed. ≈ 5 minutes, ≈ 4.5 GB of memory.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  testMatch: ['**/tests/chaos.spec.ts'],
  testTimeout: 20 * 60_000,
  maxWorkers: 1,
};
