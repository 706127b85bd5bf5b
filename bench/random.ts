// Seeded randomness for workloads and arrivals: the same seed gives the same run on every machine.

/** Uniform in [0, 1) from a seed (mulberry32): the simulator's generator, so there is one. */
export { seededRandom } from '../sim/hash';

/** Integer in [min, max], both included. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Standard normal (Box-Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Gamma(shape, scale) by Marsaglia-Tsang; shape < 1 uses the boost x * U^(1/shape).
 * Shape 1 is the exponential distribution.
 */
export function gamma(random: () => number, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) throw new Error(`gamma needs shape and scale > 0, got ${shape}, ${scale}`);
  if (shape < 1) return gamma(random, shape + 1, scale) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let i = 0; i < 1000; i++) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
  return shape * scale;
}
