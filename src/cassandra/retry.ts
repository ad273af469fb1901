import { policies } from 'cassandra-driver';

type Info = Parameters<policies.retry.RetryPolicy['onReadTimeout']>[0];
type Consistency = Parameters<policies.retry.RetryPolicy['onReadTimeout']>[1];

/**
 * The driver's default retry policy, adjusted for a node that has just died and that the other nodes have not
 * convicted yet (gossip takes seconds; longer on a loaded machine), and for Paxos rounds slowed by a loaded machine.
 * Measured with a SIGKILLed node (npm run chaos). The driver asks about write timeouts and request errors only for
 * statements marked idempotent; everything else is rethrown untouched.
 *
 * - A logged batch whose batch log could not be written (write type BATCH_LOG) is rethrown at once: until the dead
 *   node is convicted every coordinator of a 3-node data center picks it for the batch log, so retrying the batch
 *   only burns the request deadline. writeSiblings (src/cassandra/sibling-writes.ts) applies the same idempotent
 *   statements directly instead.
 * - A read times out when the coordinator waited on the dead replica. Reads are idempotent: one retry, on the same
 *   coordinator (the default only retries when enough replicas answered but the data was missing).
 * - A Paxos round that timed out (write type CAS) of an idempotent statement — a SERIAL read, or a claim whose
 *   repetition the caller recognizes (HistoryRepository.claimEvent): up to CAS_RETRIES more, on the next coordinator.
 *   Conditional writes that are not idempotent (the rating compare-and-set) are never asked about; their caller
 *   settles the unknown outcome with a SERIAL read.
 * - Other write timeouts of idempotent statements: one retry on the next coordinator. Counter writes: never.
 * - Unavailable and request errors (socket closed, client timeout): the default — next coordinator.
 */
export const CAS_RETRIES = 2;

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
    if (writeType === 'BATCH_LOG' || writeType === 'COUNTER') return this.rethrowResult();
    if (writeType === 'CAS') {
      return info.nbRetry < CAS_RETRIES ? this.retryResult(undefined as never, false) : this.rethrowResult();
    }
    return info.nbRetry < 1 ? this.retryResult(undefined as never, false) : this.rethrowResult();
  }
}
