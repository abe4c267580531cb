// Bundles the action (action/dist/index.cjs, which action.yml runs) and the command line
// (bin/corgea-idp-auth.cjs, which needs nothing but node) into one committed file each.
//
// CommonJS output: node starts a CommonJS file measurably faster than an ES module, and the
// action is judged on its start-up. The sources stay ESM; esbuild converts.
//
// @actions/core imports @actions/http-client (for its OIDC helper, which the action does not
// use), and that imports undici at load time: 400 kB of code and about 10 MB of memory before
// the first input is read. Those packages do not declare themselves free of side effects, so
// they are marked so here, and esbuild drops them when nothing reaches them.
import * as esbuild from 'esbuild';

const UNUSED_AT_LOAD = /^(@actions\/http-client|undici|tunnel)(\/|$)/;

const sideEffectFree = {
  name: 'side-effect-free',
  setup(build) {
    build.onResolve({ filter: UNUSED_AT_LOAD }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

const bundles = [
  { entry: 'action/index.ts', outfile: 'action/dist/index.cjs' },
  { entry: 'src/cli/index.ts', outfile: 'bin/corgea-idp-auth.cjs', banner: '#!/usr/bin/env node' },
];

// `--outdir DIR` writes the same files below DIR instead, for the test that compares them.
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt > 0 ? process.argv[outdirAt + 1] : '.';

for (const bundle of bundles) {
  const result = await esbuild.build({
    entryPoints: [bundle.entry],
    outfile: `${outdir}/${bundle.outfile}`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    plugins: [sideEffectFree],
    metafile: true,
    logLevel: 'warning',
    ...(bundle.banner ? { banner: { js: bundle.banner } } : {}),
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`${bundle.outfile}: ${(bytes / 1024).toFixed(1)} KiB`);
}
