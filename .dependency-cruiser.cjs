/**
 * The layers of README "Architecture": request -> route -> service -> engine -> repository.
 * `npm run lint:deps` (depcruise src). Type-only imports count: a cycle through types is still a cycle.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other (also through types) cannot be understood or tested apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment: 'Feature folders that import each other (cases <-> supervision) are one feature in two places.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'http-skin-not-to-data',
      severity: 'error',
      comment: 'Pages and routes call services; only services and repositories reach the tables and src/db/.',
      from: { path: ['^src/pages/', '^src/.+[.]routes[.]ts$'] },
      to: { path: ['^src/.+[.]repository[.]ts$', '^src/.+[.]table[.]ts$', '^src/db/'] },
    },
    {
      name: 'engine-stays-pure',
      severity: 'error',
      comment: 'The engine is pure (no I/O): it uses definitions, messages, the calendar, Beijing time, the clock, and packages.',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: ['^src/(engine|definitions|messages|calendar|time)/', '^src/clock[.]ts$'] },
    },
    {
      name: 'definitions-and-engine-not-to-http',
      severity: 'error',
      comment: 'Error codes and languages the engine and the definitions need live outside src/http/.',
      from: { path: '^src/(definitions|engine)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports and that imports nothing is dead, or an entry point knip should know of.',
      from: { orphan: true, pathNot: ['[.]d[.]ts$'] },
      to: {},
    },
    {
      name: 'no-dev-deps-in-src',
      severity: 'error',
      comment: 'npm ci --omit=dev must still run the service; type-only imports vanish at run time.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: {
      // src/db/database.ts imports every table file (type-only, by design: one Database interface of every
      // feature's tables), and every repository imports it: followed, src/db and the feature folders would be
      // one folder cycle. Its only imports are those *.table.ts files, so only those edges go unseen.
      path: ['node_modules', '^src/db/database[.]ts$'],
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
