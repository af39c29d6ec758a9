// npm scripts put node_modules/.bin first on PATH, where the `node` devDependency provides Node 22.
// Fail early and clearly when something still runs an older Node (the sf stack crashes on import under Node 20).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `plugin-oncehub needs Node >= 22, but this is ${process.version}. Run the commands through npm (npm test, npm run demo), ` +
      'which uses the Node 22 installed as a devDependency, or install Node 22.'
  );
  process.exit(1);
}
