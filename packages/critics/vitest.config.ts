import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'critics', include: ['src/**/*.test.ts'], setupFiles: ['./vitest.setup.ts'] },
});
