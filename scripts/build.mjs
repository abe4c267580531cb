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
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
  if (bundle.banner) chmodSync(`${outdir}/${bundle.outfile}`, 0o755);
  // Only what ended up in the file: packages esbuild dropped as unused carry no code here.
  const [output] = Object.values(result.metafile.outputs);
  const used = Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0);
  writeLicenses(
    used.map(([file]) => file),
    `${outdir}/${path.dirname(bundle.outfile)}`,
  );
}

/**
 * The bundles carry code of other packages (jose, parts of @actions/core); their licences ask
 * that the notice travel with the code, so each bundle's folder gets a licenses.txt listing
 * every package the bundle holds, with its licence text.
 */
function writeLicenses(inputs, folder) {
  const packages = new Map();
  for (const input of inputs) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match && !packages.has(match[1])) packages.set(match[1], licenseOf(match[1]));
  }
  const sections = [...packages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dir, text]) => {
      const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
      return `${manifest.name} ${manifest.version} (${manifest.license ?? 'see below'})\n\n${text}`;
    });
  const header = 'Packages bundled into the file next to this one, with their licences.\n';
  writeFileSync(`${folder}/licenses.txt`, `${header}\n${sections.join('\n\n---\n\n')}\n`);
}

function licenseOf(dir) {
  const name = readdirSync(dir).find((file) => /^licen[cs]e(\.(md|txt))?$/i.test(file));
  return name && existsSync(`${dir}/${name}`)
    ? readFileSync(`${dir}/${name}`, 'utf8').trim()
    : '(no licence file in the package)';
}
