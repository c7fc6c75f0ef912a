// What Pulumi runs for `--policy-pack policy` (package.json "main"): the pack compiled into ../bin/
// with the program by ../scripts/program-build.js, after checking that bin/ matches the sources.
require("../scripts/program-build").check();
require("../bin/policy/index.js");
