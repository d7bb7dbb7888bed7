import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'tensor', include: ['src/**/*.test.ts'] },
});
