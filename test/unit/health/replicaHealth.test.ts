import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HealthPolicy, ReplicaHealth } from '../../../sidecar/health/replicaHealth';

function setup(policy: Partial<HealthPolicy> = {}) {
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  const health = new ReplicaHealth(
    { activeChecks: true, rise: 2, fall: 3, maxFails: 3, failTimeout: 30_000, ...policy },
    clock,
  );
  return { clock, health };
}

test('an unchecked replica goes down only after fall failures', () => {
  const { health } = setup();
  health.recordCheck(false, 'x');
  health.recordCheck(false, 'x');
  assert.equal(health.state(), 'unknown');
  health.recordCheck(false, 'x');
  assert.equal(health.state(), 'unhealthy');
});

test('first success decides, then rise/fall need streaks', () => {
  const { health } = setup();
  assert.equal(health.state(), 'unknown');
  assert.equal(health.isCandidate(), true, 'an unchecked replica gets the benefit of the doubt');
  health.recordCheck(true);
  assert.equal(health.state(), 'healthy');
  health.recordCheck(false, 'connect ECONNREFUSED');
  health.recordCheck(false, 'connect ECONNREFUSED');
  assert.equal(health.state(), 'healthy', 'two failures < fall=3');
  health.recordCheck(false, 'connect ECONNREFUSED');
  assert.equal(health.state(), 'unhealthy');
  assert.match(health.reason()!, /health check: connect ECONNREFUSED/);
  health.recordCheck(true);
  assert.equal(health.state(), 'unhealthy', 'one success < rise=2');
  health.recordCheck(true);
  assert.equal(health.state(), 'healthy');
});

test('without active checks a replica is healthy', () => {
  const { health } = setup({ activeChecks: false });
  assert.equal(health.state(), 'healthy');
});

test('maxFails failures within failTimeout eject for failTimeout, then it comes back', () => {
  const { clock, health } = setup();
  health.recordCheck(true);
  assert.equal(health.recordFailure('HTTP 503'), false);
  clock.t += 1000;
  assert.equal(health.recordFailure('HTTP 503'), false);
  clock.t += 1000;
  assert.equal(health.recordFailure('HTTP 503'), true);
  assert.equal(health.state(), 'unhealthy');
  assert.equal(health.isCandidate(), false);
  assert.equal(health.ejectedUntilNow(), clock.t + 30_000);
  assert.match(health.reason()!, /ejected: 3 failures within 30s/);
  clock.t += 29_999;
  assert.equal(health.tick(), false);
  assert.equal(health.isCandidate(), false);
  clock.t += 1;
  assert.equal(health.isCandidate(), true, 'back after failTimeout');
  assert.equal(health.tick(), true, 'tick reports the return once (time to probe)');
  assert.equal(health.tick(), false);
  assert.equal(health.ejections, 1);
});

test('failures spread wider than failTimeout do not eject; a success resets the count', () => {
  const { clock, health } = setup();
  health.recordFailure('x');
  clock.t += 20_000;
  health.recordFailure('x');
  clock.t += 20_000;
  assert.equal(health.recordFailure('x'), false, 'the first one fell out of the window');
  health.recordSuccess();
  assert.equal(health.recordFailure('x'), false);
  assert.equal(health.recordFailure('x'), false);
  assert.equal(health.recordFailure('x'), true);
});

test('maxFails 0 disables passive ejection', () => {
  const { health } = setup({ maxFails: 0 });
  for (let i = 0; i < 10; i++) assert.equal(health.recordFailure('x'), false);
  assert.equal(health.isCandidate(), true);
});

test('draining keeps new requests away until enabled', () => {
  const { health } = setup();
  health.recordCheck(true);
  health.drain('drained by the admin API');
  assert.equal(health.state(), 'draining');
  assert.equal(health.isCandidate(), false);
  assert.equal(health.reason(), 'drained by the admin API');
  health.enable();
  assert.equal(health.state(), 'healthy');
});
