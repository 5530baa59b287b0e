#!/usr/bin/env bash
# Usage: JAVA_OPTS="..." bash .ci/run-main.sh MODULE MAIN_CLASS [ARGS...]
# Builds MODULE and the modules it needs, then runs MAIN_CLASS with plain `java -cp`.
# Why not exec:java: without `mvn install` a single module cannot see its siblings, and with
# -am exec:java would run in every module. Inside one reactor build the siblings resolve to
# their target/ jars, so `package` + `dependency:build-classpath` gives a working classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 MODULE MAIN_CLASS [ARGS...]" >&2; exit 2; }
module=$1 main=$2; shift 2

# shellcheck source=.ci/java-home.sh
source .ci/java-home.sh
cpfile=$module/target/run-classpath.txt   # relative paths in plugin File parameters resolve per module
./mvnw -B -ntp -q -DskipTests -pl "$module" -am package dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -DincludeScope=runtime
# shellcheck disable=SC2086  # JAVA_OPTS is a list of options on purpose
exec java ${JAVA_OPTS:-} -cp "$module/target/classes:$(cat "$cpfile")" "$main" "$@"
