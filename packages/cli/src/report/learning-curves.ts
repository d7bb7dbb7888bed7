/**
 * Learning curves as a standalone SVG: normalised score (×100) against training steps, one thin line per
 * run and a thick line for each group's mean, coloured by group. Plain SVG so it opens in any browser
 * and embeds in the HTML report.
 */
export interface CurveSeries {
  readonly group: string;
  readonly points: readonly (readonly [number, number])[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** The group's mean at each step that every one of its runs evaluated. */
const groupMean = (runs: readonly CurveSeries[]): [number, number][] => {
  const counts = new Map<number, number>();
  for (const run of runs) for (const [step] of run.points) counts.set(step, (counts.get(step) ?? 0) + 1);
  const common = [...counts].filter(([, n]) => n === runs.length).map(([step]) => step);
  return common
    .sort((a, b) => a - b)
    .map((step) => [
      step,
      runs.reduce((sum, run) => sum + run.points.find(([s]) => s === step)![1], 0) / runs.length,
    ]);
};

export const learningCurvesSvg = (series: readonly CurveSeries[], title: string): string => {
  const width = 860;
  const height = 400;
  const margin = { left: 60, right: 320, top: 40, bottom: 50 };
  const all = series.flatMap((s) => s.points);
  const maxStep = Math.max(1, ...all.map(([step]) => step));
  const scores = all.map(([, score]) => score);
  const low = Math.min(0, ...scores);
  const high = Math.max(100, ...scores);
  const x = (step: number) => margin.left + (step / maxStep) * (width - margin.left - margin.right);
  const y = (score: number) =>
    height - margin.bottom - ((score - low) / (high - low)) * (height - margin.top - margin.bottom);
  const path = (points: readonly (readonly [number, number])[]) =>
    points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const groups = [...new Set(series.map((s) => s.group))];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const score = low + ((high - low) * i) / 4;
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(score).toFixed(1)}" y2="${y(score).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 8}" y="${(y(score) + 4).toFixed(1)}" text-anchor="end">${score.toFixed(0)}</text>`,
      `<text x="${x((maxStep * i) / 4).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle">${Math.round((maxStep * i) / 4)}</text>`,
    );
  }
  parts.push(
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 12}" text-anchor="middle">training steps</text>`,
    `<text transform="translate(16 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">normalised score</text>`,
  );
  groups.forEach((group, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const runs = series.filter((s) => s.group === group && s.points.length > 0);
    for (const run of runs) {
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-opacity="0.35" stroke-width="1" points="${path(run.points)}"/>`,
      );
    }
    if (runs.length > 0) {
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${path(groupMean(runs))}"/>`,
      );
    }
    const legendY = margin.top + 18 * i;
    parts.push(
      `<line x1="${width - margin.right + 12}" x2="${width - margin.right + 32}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${width - margin.right + 38}" y="${legendY + 4}">${escapeXml(group)} (${runs.length})</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
};
