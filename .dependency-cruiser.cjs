// The house's layer rules (STYLE.md §4), checked by `npm run layers` in `npm test`.
// Imports point one way, down this list; a layer may use its own and any below it:
//   0 foundation   errors, logger, clock
//   1 domain       pure rules: no I/O, no clock reads
//   2 settings     config (reads the file and env, checks them with the domain's rules)
//   3 adapters     store, datasources, capture, slack-api (each talks to one outside system)
//   4 content, messages
//   5 services     what Slack and the scheduler call; owns the ports it uses (delivery, channels)
//   6 scheduler, delivery
//   7 slack        the Bolt app: thin handlers
//   8 wiring       lookout, main, outbound, http, health, metrics, startup-summary, cli (the command line)
/** @type {import('dependency-cruiser').IConfiguration} */
const LAYERS = [
  ['foundation', '^src/(errors|logger|clock)\\.ts$'],
  ['domain', '^src/domain/'],
  ['settings', '^src/config\\.ts$'],
  ['adapters', '^src/(store|datasources|capture|slack-api)/'],
  ['content', '^src/(content|messages)/'],
  ['services', '^src/services/'],
  ['outside', '^src/(scheduler|delivery)/'],
  ['slack', '^src/slack/'],
  ['wiring', '^src/((lookout|main|outbound|http|health|metrics|startup-summary)\\.ts$|cli/)'],
];

/** Layer i may not import layers above it. */
const upward = LAYERS.flatMap(([name, path], i) =>
  LAYERS.slice(i + 1).map(([above, abovePath]) => ({
    name: `${name}-not-to-${above}`,
    comment: `${name} sits below ${above}: imports point down (STYLE.md §4)`,
    severity: 'error',
    from: { path },
    to: { path: abovePath },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle anywhere in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds rules only: no Node built-ins, no drivers, no network or browser libraries',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'domain-uses-only-pure-libraries',
      comment: 'src/domain may use only pure libraries (dates, cron, schemas)',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/(luxon|cron-parser|zod)/' },
    },
    {
      name: 'delivery-not-to-slack-ui',
      comment: 'deliveries render through src/messages, never through the Slack app',
      severity: 'error',
      from: { path: '^src/delivery/' },
      to: { path: '^src/slack/' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // No includeOnly: it would also drop Node's built-ins (`node:fs` is not under src/), and
    // domain-is-pure would then never see one (test/unit/tooling/layer-rules.test.ts).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
