import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'recipes', include: ['src/**/*.test.ts'], setupFiles: ['./vitest.setup.ts'] },
});
