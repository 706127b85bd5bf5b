// The prefix index corrected by the engine's own hit counters: shrinks when the engine finds much less than the index
// predicted, recovers when it finds what was predicted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FIDELITY_MIN_TOKENS,
  FIDELITY_SHRINK,
  IndexFidelity,
  MIN_FIDELITY,
} from '../../../sidecar/balancer/indexFidelity';
import { replica } from './helpers';

function scraped(at: number, queries: number, hits: number) {
  return replica('r0', {
    engine: { running: 0, waiting: 0, kvCacheUsage: 0.5, scrapedAt: at, prefixQueries: queries, prefixHits: hits },
  });
}

/** One interval: this sidecar sends 10K tokens of which the index predicts `predicted`; the engine hits `hitShare`. */
function interval(f: IndexFidelity, at: number, total: { q: number; h: number }, predicted: number, hitShare: number) {
  f.recordSend('r0', 10_000, predicted);
  total.q += 10_000;
  total.h += 10_000 * hitShare;
  return f.factor(scraped(at, total.q, total.h));
}

test('the index shrinks while the engine hits far less than it predicted, and recovers when it hits as predicted', () => {
  const f = new IndexFidelity();
  const total = { q: 50_000, h: 10_000 };
  assert.equal(f.factor(scraped(1, total.q, total.h)), 1, 'the first scrape only starts the interval');
  assert.equal(interval(f, 2, total, 9_000, 0.3), FIDELITY_SHRINK);
  assert.equal(interval(f, 3, total, 9_000, 0.3), FIDELITY_SHRINK * FIDELITY_SHRINK);
  for (let t = 4; t < 30; t++) interval(f, t, total, 9_000, 0.3);
  assert.equal(f.factor(scraped(30, total.q, total.h)), MIN_FIDELITY, 'never below the floor');
  // The engine finds what the index predicts (within the gap): the factor climbs back to 1 and stays there.
  let factor = MIN_FIDELITY;
  for (let t = 31; t < 60; t++) factor = interval(f, t, total, 9_000, 0.85);
  assert.equal(factor, 1);
});

test('too little traffic, a repeated scrape or a restarted engine says nothing', () => {
  const f = new IndexFidelity();
  f.factor(scraped(1, 1000, 0));
  f.recordSend('r0', FIDELITY_MIN_TOKENS - 1, FIDELITY_MIN_TOKENS - 1);
  assert.equal(f.factor(scraped(2, 1000 + FIDELITY_MIN_TOKENS - 1, 0)), 1, 'under the minimum: interval goes on');
  f.recordSend('r0', 5000, 5000);
  assert.equal(f.factor(scraped(2, 99_000, 0)), 1, 'the same scrape is read once');
  assert.equal(f.factor(scraped(3, 10, 0)), 1, 'counters went down: the engine restarted, the interval restarts');
  assert.equal(f.factor(replica('r0')), 1, 'no scrape');
});
