import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'actors', include: ['src/**/*.test.ts'], setupFiles: ['./vitest.setup.ts'] },
});
