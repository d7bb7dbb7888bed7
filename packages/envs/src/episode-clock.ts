/**
 * Order enforcing and the time limit, shared by every env: Gymnasium's `OrderEnforcing` and
 * `TimeLimit` wrappers in one object. An episode runs from `reset` until a step that terminates or
 * reaches `maxEpisodeSteps` (that step is `truncated`); stepping outside an episode throws.
 */
export class EpisodeClock {
  private elapsed = 0;
  private phase: 'before-reset' | 'running' | 'terminated' | 'truncated' | 'closed' = 'before-reset';

  constructor(
    private readonly envId: string,
    readonly maxEpisodeSteps: number,
  ) {}

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** Throws if the env is closed; called by every public method. */
  assertOpen(): void {
    if (this.phase === 'closed') throw new Error(`${this.envId}: the env is closed`);
  }

  begin(): void {
    this.assertOpen();
    this.elapsed = 0;
    this.phase = 'running';
  }

  /** Throws unless an episode is running; call before simulating a step. */
  assertRunning(): void {
    switch (this.phase) {
      case 'running':
        return;
      case 'before-reset':
        throw new Error(`${this.envId}: step() called before reset()`);
      case 'closed':
        throw new Error(`${this.envId}: the env is closed`);
      default:
        throw new Error(
          `${this.envId}: step() called after the episode ended (${this.phase} at step ${this.elapsed}); call reset() first`,
        );
    }
  }

  /** Counts one step and returns whether it is truncated by the time limit. */
  tick(terminated: boolean): boolean {
    this.elapsed++;
    const truncated = this.elapsed >= this.maxEpisodeSteps;
    if (terminated) this.phase = 'terminated';
    else if (truncated) this.phase = 'truncated';
    return truncated;
  }

  close(): void {
    this.phase = 'closed';
  }
}
