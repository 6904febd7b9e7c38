// Derives jest's moduleNameMapper from tsconfig.json `paths`, so the aliases live in one place.
const path = require('node:path');
const fs = require('node:fs');

function readTsconfigPaths() {
  const raw = fs.readFileSync(path.join(__dirname, '..', '..', 'tsconfig.json'), 'utf8');
  return JSON.parse(raw).compilerOptions.paths;
}

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(readTsconfigPaths())) {
    mapper[`^${alias.replace('/*', '/(.*)')}$`] = `<rootDir>/${target.replace('./', '').replace('/*', '/$1')}`;
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper, readTsconfigPaths };
