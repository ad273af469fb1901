import { policies } from 'cassandra-driver';

type Info = Parameters<policies.retry.RetryPolicy['onReadTimeout']>[0];
type Consistency = Parameters<policies.retry.RetryPolicy['onReadTimeout']>[1];

/**
 * How often a logged batch whose batch-log write timed out is tried again. Each attempt waits write_request_timeout
 * (2 s by default), so 4 retries span ≈ 10 s — about the time gossip needs to convict a dead node.
 */
export const BATCH_LOG_RETRIES = 4;

/**
 * The driver's default retry policy, adjusted for a node that has just died and that the other nodes have not
 * convicted yet (gossip takes seconds; longer on a loaded machine). Measured with a SIGKILLed node (npm run chaos):
 *
 * - A logged batch fails with a write timeout of type BATCH_LOG while coordinators still pick the dead node for the
 *   batch log: in a 3-node data center the batch log goes to both other nodes, so until the dead one is convicted
 *   every logged batch fails this way. Such a batch was not applied at all, so it is retried up to BATCH_LOG_RETRIES
 *   times instead of the default single retry. On the same coordinator: any live one is as good, and speculative
 *   executions may already have used the others (a retry "on the next host" would then end in NoHostAvailable).
 * - A read times out when the coordinator waited on the dead replica. Reads are idempotent: one retry, on the same
 *   coordinator (the default only retries when enough replicas answered but the data was missing).
 * - Other write timeouts of idempotent statements (the driver never asks about non-idempotent ones): one retry on the
 *   next coordinator. Conditional (CAS) and counter writes: never.
 * - Unavailable and request errors (socket closed, client timeout): the default — next coordinator.
 */
export class ServiceRetryPolicy extends policies.retry.RetryPolicy {
  override onReadTimeout(
    info: Info,
    _consistency: Consistency,
    _received: number,
    _blockFor: number,
    _isDataPresent: boolean,
  ) {
    return info.nbRetry < 1 ? this.retryResult(undefined as never, true) : this.rethrowResult();
  }

  override onWriteTimeout(
    info: Info,
    _consistency: Consistency,
    _received: number,
    _blockFor: number,
    writeType: string,
  ) {
    if (writeType === 'BATCH_LOG') {
      return info.nbRetry < BATCH_LOG_RETRIES
        ? this.retryResult(undefined as never, true)
        : this.rethrowResult();
    }
    if (writeType === 'CAS' || writeType === 'COUNTER') return this.rethrowResult();
    return info.nbRetry < 1 ? this.retryResult(undefined as never, false) : this.rethrowResult();
  }
}
