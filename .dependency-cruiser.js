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
