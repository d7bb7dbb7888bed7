/**
 * Hand-written controllers for the small tasks. They define the "expert" end of the normalised
 * scores of `Pendulum-v1` and `CartPoleSwingUp-v0` and give tests a competent scripted policy
 * (e.g. for expert datasets) without any training.
 */

const clamp = (value: number, bound: number): number => Math.min(bound, Math.max(-bound, value));

/**
 * Pendulum-v1 swing-up by energy pumping, then PD balancing. With θ̈ = 15·sin θ + 3u, the energy
 * E = ½θ̇² + 15·cos θ changes as dE/dt = 3u·θ̇, so u = clip((15 − E)·θ̇, ±2) pumps E towards the
 * upright value 15; once cos θ > 0.8, u = clip(−(12θ + 3θ̇), ±2) holds the pole up.
 * Mean return over the seeds 0…99: −156.97.
 */
export function pendulumController(observation: ArrayLike<number>): Float64Array {
  const cos = observation[0] as number;
  const sin = observation[1] as number;
  const thetaDot = observation[2] as number;
  if (cos > 0.8) return Float64Array.of(clamp(-(12 * Math.atan2(sin, cos) + 3 * thetaDot), 2));
  const energy = 0.5 * thetaDot ** 2 + 15 * cos;
  return Float64Array.of(clamp((15 - energy) * thetaDot, 2));
}

/**
 * Discrete-time LQR gain of CartPoleSwingUp-v0 linearised about the upright state (x, ẋ, θ, θ̇) = 0
 * per unit action, for Q = diag(1, 0.1, 10, 0.1) and R = 0.1 (Riccati iteration on finite-difference
 * Jacobians of the env's own step).
 */
const cartPoleLqrGain = [-2.745, -3.075, -16.761, -3.735] as const;

/**
 * CartPoleSwingUp-v0 swing-up (Åström & Furuta 2000, energy control) with cart centring, then LQR
 * balancing once cos θ > 0.8. Pole energy per unit mass, rod of half-length l = 0.5 about its pivot:
 * E = ½·(4/3)·l²·θ̇² + g·l·(cos θ − 1), zero when upright at rest; the cart pushes with
 * a = E·θ̇·cos θ − 2x − 2ẋ. Mean return over the seeds 0…99: 374.98 (of at most 500).
 */
export function cartPoleSwingUpController(observation: ArrayLike<number>): Float64Array {
  const x = observation[0] as number;
  const xDot = observation[1] as number;
  const cos = observation[2] as number;
  const sin = observation[3] as number;
  const thetaDot = observation[4] as number;
  if (cos > 0.8) {
    const [kx, kv, kTheta, kOmega] = cartPoleLqrGain;
    return Float64Array.of(
      clamp(-(kx * x + kv * xDot + kTheta * Math.atan2(sin, cos) + kOmega * thetaDot), 1),
    );
  }
  const energy = 0.5 * (4 / 3) * 0.25 * thetaDot ** 2 + 9.8 * 0.5 * (cos - 1);
  return Float64Array.of(clamp(energy * thetaDot * cos - 2 * x - 2 * xDot, 1));
}
