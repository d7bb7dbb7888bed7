/**
 * `datasets.d4rl-load`: load time and peak memory of `readD4RL` on a 2M-transition file in the
 * D4RL v2 layout (observation 17, action 6, gzip-compressed like D4RL's files; `infos/action_log_probs`,
 * `infos/qpos` (9), `infos/qvel` (9) like the halfcheetah files), generated here in a temporary
 * directory and deleted afterwards. The load runs in a child process so that its peak resident
 * memory (`maxRSS`) is not coloured by the generator; memory is reported as the peak minus the
 * child's resident memory after loading h5wasm, against the raw bytes of the arrays read.
 * Targets (issue 4): under 5 s, under 2× the raw bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { readD4RL } from '../d4rl.js';
import { createHdf5, writeArray, writeFlags } from '../hdf5.js';

const ROWS = Number(process.env['OFFRL_BENCH_D4RL_ROWS'] ?? 2_000_000);
const OBSERVATION_DIM = 17;
const ACTION_DIM = 6;
const EPISODE = 1000;

/** Smooth per-episode trajectories with noise, so gzip sees data shaped like a rollout's. */
function trajectory(width: number, seed: number, shift: number): Float32Array {
  const values = new Float32Array(ROWS * width);
  let x = seed >>> 0;
  for (let row = 0; row < ROWS; row++) {
    const t = (row % EPISODE) + shift;
    for (let k = 0; k < width; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      values[row * width + k] = Math.sin(0.01 * t * (k + 1)) + 0.05 * (x / 2 ** 32 - 0.5);
    }
  }
  return values;
}

async function generate(path: string): Promise<number> {
  const file = await createHdf5(path);
  let raw = 0;
  // gzip level 1, not D4RL's 4: generation is several times faster and inflating costs about the same.
  const settings = (rowBytes: number) => ({
    compression: 1,
    chunkRows: Math.max(1, Math.floor(262144 / rowBytes)),
  });
  const put = (name: string, data: Float32Array, width: number) => {
    writeArray(file, name, data, width === 0 ? [ROWS] : [ROWS, width], settings(4 * Math.max(width, 1)));
    raw += data.byteLength;
  };
  put('observations', trajectory(OBSERVATION_DIM, 1, 0), OBSERVATION_DIM);
  put('next_observations', trajectory(OBSERVATION_DIM, 1, 1), OBSERVATION_DIM);
  put('actions', trajectory(ACTION_DIM, 2, 0), ACTION_DIM);
  put('rewards', trajectory(1, 3, 0), 0);
  const timeouts = Uint8Array.from({ length: ROWS }, (_, i) => (i % EPISODE === EPISODE - 1 ? 1 : 0));
  writeFlags(file, 'terminals', new Uint8Array(ROWS), settings(1));
  writeFlags(file, 'timeouts', timeouts, settings(1));
  raw += 2 * ROWS;
  file.create_group('infos');
  put('infos/action_log_probs', trajectory(1, 4, 0), 0);
  put('infos/qpos', trajectory(9, 5, 0), 9);
  put('infos/qvel', trajectory(9, 6, 0), 9);
  file.close();
  return raw;
}

async function load(path: string, extraKeys: boolean): Promise<void> {
  await h5wasm.ready;
  const baseline = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const dataset = await readD4RL(path, { extraKeys });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ seconds, peak, baseline, size: dataset.size }));
}

/** Loads the file in a fresh process (`keys`: 'all', or 'core' for the transition arrays only). */
function loadInChild(
  path: string,
  keys: 'all' | 'core',
): { seconds: number; peak: number; baseline: number } {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--load', path, keys], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`load child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
    seconds: number;
    peak: number;
    baseline: number;
  };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--load') return load(process.argv[3]!, process.argv[4] !== 'core');
  const dir = mkdtempSync(join(tmpdir(), 'offrl-d4rl-bench-'));
  try {
    const path = join(dir, 'halfcheetah-synthetic-v2.hdf5');
    const writeStart = process.hrtime.bigint();
    const rawBytes = await generate(path);
    const writeSeconds = Number(process.hrtime.bigint() - writeStart) / 1e9;
    const result = loadInChild(path, 'all');
    const core = loadInChild(path, 'core');
    const extra = {
      coreKeysSeconds: core.seconds,
      loadAverage: loadavg()[0],
      rows: ROWS,
      rawBytes,
      fileBytes: statSync(path).size,
      writeSeconds,
      peakBytesAboveBaseline: result.peak - result.baseline,
      peakOverRaw: (result.peak - result.baseline) / rawBytes,
      peakRssBytes: result.peak,
    };
    console.log(
      JSON.stringify({
        name: 'datasets.d4rl-load',
        backend: 'none',
        value: result.seconds,
        unit: 's',
        ...extra,
      }),
    );
    console.log(
      JSON.stringify({
        name: 'datasets.d4rl-load-memory',
        backend: 'none',
        value: extra.peakOverRaw,
        unit: 'x raw bytes',
        ...extra,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
