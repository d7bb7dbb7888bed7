/**
 * Progress of a training run: a bar with steps/s, the time left and the latest evaluation, redrawn in
 * place on a terminal and printed as plain lines elsewhere (CI logs, pipes).
 */
export interface ProgressState {
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedSeconds: number;
  /** Steps done in this process (a resumed run started from a later step). */
  readonly stepsThisRun: number;
  readonly lastEvaluation?: number | undefined;
}

const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
};

export const formatProgress = (state: ProgressState, width = 24): string => {
  const fraction = state.totalSteps === 0 ? 1 : Math.min(1, state.step / state.totalSteps);
  const filled = Math.round(fraction * width);
  const rate = state.elapsedSeconds > 0 ? state.stepsThisRun / state.elapsedSeconds : 0;
  const eta = rate > 0 ? (state.totalSteps - state.step) / rate : Number.POSITIVE_INFINITY;
  const evaluation =
    state.lastEvaluation === undefined ? '' : `  score ${(100 * state.lastEvaluation).toFixed(1)}`;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${state.step}/${state.totalSteps}` +
    `  ${rate.toFixed(0)} steps/s  eta ${formatDuration(eta)}${evaluation}`
  );
};
