// What Pulumi runs (package.json "main"): the program compiled into bin/ by
// scripts/program-build.js, after checking that bin/ matches the sources (a stale bin/ is refused).
require("./program-build").check();
module.exports = require("../bin/index.js");
