/**
 * One Vite project, several pages: each HTML file listed in `pages` is an
 * entry of the multi-page build. The server mounts `dist/` at `/static/`
 * (hence `base`) and serves `dist/graphiql.html` itself on GET /graphql.
 */
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const pages = {
  graphiql: 'graphiql.html',
  portal: 'index.html',
};

const fromHere = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  base: '/static/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Emit the assets Vite handles (Monaco's codicon font) as files of their
    // own. GraphiQL's CSS already embeds its fonts as data: URLs, which is
    // why the CSP needs font-src data:.
    assetsInlineLimit: 0,
    // Monaco (GraphiQL's editor) is one large chunk by nature; 4 MB keeps the
    // warning for real regressions.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: Object.fromEntries(
        Object.entries(pages).map(([name, file]) => [name, fromHere(file)]),
      ),
      // GraphiQL ships React Compiler's "use no memo" directives; they only
      // steer that compiler at build time, so dropping them when bundling is
      // harmless and the warning is noise.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use no memo"')) {
          return;
        }
        warn(warning);
      },
    },
  },
  worker: {
    // Monaco's workers are ES modules; 'es' emits them as separate files
    // under assets/ loaded from our own origin (CSP worker-src 'self').
    format: 'es',
  },
});
