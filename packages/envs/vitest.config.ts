import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'envs', include: ['src/**/*.test.ts'] },
});
