/**
 * `npm run test:spark`: the Spark engine's specification alone (tests/spark-job.spec.ts). It runs the real PySpark job
 * in local[2] (≈ 1–2 minutes per run; the first run also creates .cache/spark-venv, ≈ 30 s, and resolves the
 * connector into .cache/ivy), against the same Cassandra the main suite uses: the main global set-up starts (or reuses)
 * it, and the main teardown stops what it started.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/tests/spark-job.spec.ts'],
  testTimeout: 20 * 60_000,
  maxWorkers: 1,
};
