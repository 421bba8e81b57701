// Dredd loads hook files with require() and hands them its hooks object as the module 'hooks'. The hooks are
// TypeScript: Dredd runs under tsx (`node --import tsx node_modules/dredd/bin/dredd`), as the runner starts it.
const hooks = require('hooks');

require('../src/dredd/hooks.ts').registerHooks(hooks);
