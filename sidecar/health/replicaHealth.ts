// One replica's health as a small state machine over an injected clock:
// - active checks move it up after `rise` successes in a row and down after `fall` failures in a row (a replica not
//   yet checked goes up on its first success, down only after `fall` failures, like HAProxy's initial state);
// - passive ejection takes it out for `failTimeout` after `maxFails` request failures within `failTimeout`,
//   then lets it back in (and asks for a probe);
// - draining (admin or reload) keeps new requests away while in-flight ones finish.

import type { ReplicaHealth as HealthState } from '../../core/protocol';
import type { Clock } from '../pool/clock';

export interface HealthPolicy {
  activeChecks: boolean;
  rise: number;
  fall: number;
  maxFails: number;
  failTimeout: number;
}

type ActiveState = 'unknown' | 'up' | 'down';

export class ReplicaHealth {
  private active: ActiveState;
  private okStreak = 0;
  private failStreak = 0;
  private failures: number[] = [];
  private ejectedAt: number | null = null;
  ejectedUntil: number | null = null;
  draining = false;
  private drainReason: string | null = null;
  private activeReason: string | null = null;
  private ejectReason: string | null = null;
  lastError: string | null = null;
  /** Times this replica was ejected by passive checks. */
  ejections = 0;

  constructor(
    private policy: HealthPolicy,
    private readonly clock: Clock,
  ) {
    this.active = policy.activeChecks ? 'unknown' : 'up';
  }

  setPolicy(policy: HealthPolicy): void {
    this.policy = policy;
    if (!policy.activeChecks) this.active = 'up';
    else if (this.active === 'up' && this.okStreak === 0 && this.failStreak === 0) this.active = 'unknown';
  }

  /** Result of one active health check. Returns true when the state changed. */
  recordCheck(ok: boolean, detail?: string): boolean {
    const before = this.active;
    if (ok) {
      this.failStreak = 0;
      this.okStreak += 1;
      if (this.active !== 'up' && (this.okStreak >= this.policy.rise || this.active === 'unknown')) {
        this.active = 'up';
        this.activeReason = null;
      }
    } else {
      this.okStreak = 0;
      this.failStreak += 1;
      this.lastError = detail ?? 'health check failed';
      if (this.active !== 'down' && this.failStreak >= this.policy.fall) {
        this.active = 'down';
        this.activeReason = `health check: ${this.lastError}`;
      }
    }
    return before !== this.active;
  }

  /** A request to the replica failed (connect error, reset, timeout, 502/503/504). Returns true when it ejects. */
  recordFailure(detail: string): boolean {
    const now = this.clock.now();
    this.lastError = detail;
    if (this.policy.maxFails <= 0 || this.isEjected(now)) return false;
    this.failures = this.failures.filter((at) => now - at < this.policy.failTimeout);
    this.failures.push(now);
    if (this.failures.length > this.policy.maxFails) this.failures.shift();
    if (this.failures.length < this.policy.maxFails) return false;
    this.failures = [];
    this.ejectedAt = now;
    this.ejectedUntil = now + this.policy.failTimeout;
    this.ejections += 1;
    this.ejectReason = `${this.policy.maxFails} failure${this.policy.maxFails === 1 ? '' : 's'} within ${Math.round(this.policy.failTimeout / 1000)}s (last: ${detail})`;
    return true;
  }

  /** A request to the replica succeeded: failures no longer count in a row. */
  recordSuccess(): void {
    this.failures = [];
  }

  /** Ends an ejection whose time is up. Returns true when the replica just came back (time to probe it). */
  tick(): boolean {
    if (this.ejectedUntil !== null && this.clock.now() >= this.ejectedUntil) {
      this.ejectedUntil = null;
      this.ejectedAt = null;
      this.ejectReason = null;
      return true;
    }
    return false;
  }

  drain(reason: string): void {
    this.draining = true;
    this.drainReason = reason;
  }

  enable(): void {
    this.draining = false;
    this.drainReason = null;
    this.failures = [];
    this.ejectedUntil = null;
    this.ejectedAt = null;
    this.ejectReason = null;
  }

  state(): HealthState {
    if (this.draining) return 'draining';
    if (this.isEjected(this.clock.now()) || this.active === 'down') return 'unhealthy';
    if (this.active === 'unknown') return 'unknown';
    return 'healthy';
  }

  /** Whether the balancer may send a new request here. A replica not yet checked is given the benefit of the doubt. */
  isCandidate(): boolean {
    const state = this.state();
    return state === 'healthy' || state === 'unknown';
  }

  reason(): string | null {
    if (this.draining) return this.drainReason;
    if (this.isEjected(this.clock.now())) return `ejected: ${this.ejectReason}`;
    if (this.active === 'down') return this.activeReason;
    if (this.active === 'unknown') return 'not checked yet';
    return null;
  }

  ejectedSince(): number | null {
    return this.isEjected(this.clock.now()) ? this.ejectedAt : null;
  }

  /** Epoch ms until which the replica is ejected, or null when it is not. */
  ejectedUntilNow(): number | null {
    return this.isEjected(this.clock.now()) ? this.ejectedUntil : null;
  }

  private isEjected(now: number): boolean {
    return this.ejectedUntil !== null && now < this.ejectedUntil;
  }
}
