/** The dependency rules of the architecture (docs/architecture.md), checked by `npm run lint:deps`. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-plain-typescript',
      comment: 'decide/evolve and the CMF/1 contracts use no framework and no infrastructure',
      severity: 'error',
      from: { path: '^libs/(case-domain|errors)/' },
      to: { path: ['node_modules/@nestjs', 'node_modules/fastify', 'node_modules/better-sqlite3', '^libs/(event-store|platform|parties)/', '^apps/'] },
    },
    {
      name: 'contracts-depend-on-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: ['^libs/(?!contracts/)', '^apps/', 'node_modules/@nestjs'] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-stay-apart',
      comment: 'feature code stays in its app; only the all-in-one exchange composes the app modules',
      severity: 'error',
      from: { path: '^apps/(gateway|query|dispatcher|projector)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'console-uses-only-the-http-api',
      comment: 'the console (a browser bundle) reaches the exchange over its public HTTP API only; of our code it bundles the CMF/1 vocabularies alone',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^(apps|libs)/', pathNot: ['^apps/console/', '^libs/contracts/src/cmf/vocabularies\\.ts$'] },
    },
    {
      name: 'nothing-imports-the-console',
      comment: 'the query process serves the built console as files; no server code imports its sources',
      severity: 'error',
      from: { pathNot: '^apps/console/' },
      to: { path: '^apps/console/' },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '(\\.spec|\\.int-spec|/testing/|/conformance/|/bench/)' },
      to: { path: '(\\.spec\\.ts$|\\.int-spec\\.ts$|/testing/|/conformance/|^test/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|^node_modules/)' },
  },
};
