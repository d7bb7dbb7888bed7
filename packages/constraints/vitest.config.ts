import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'constraints', include: ['src/**/*.test.ts'], setupFiles: ['./vitest.setup.ts'] },
});
