// Node, CommonJS: every package through its `require` condition.
const { runScenario } = require('./scenario.cjs');

const modules = {
  core: require('@mjgate/core'),
  imaginepro: require('@mjgate/imaginepro'),
  acedata: require('@mjgate/acedata'),
  apiframe: require('@mjgate/apiframe'),
  mjproxy: require('@mjgate/mjproxy'),
  mjgate: require('mjgate'),
};
runScenario(modules, process.env.SIM_URL).then(
  (lines) => console.log(lines.join('\n')),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
