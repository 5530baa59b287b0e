#!/usr/bin/env bash
# Builds the image local/flowcore-examples (docker/examples/Dockerfile) from this checkout: Maven packages
# flowcore-taxi-examples and the modules it needs, and the image gets their jars and runtime dependencies
# in /opt/flowcore/lib. Nothing is pulled: it builds FROM local/flowcore-jdk, which `bash .ci/test-infra.sh up`
# (or `... docker`) builds. Skips the image build when the jars are the ones the image was built from.
#
#   bash docker/examples/build.sh          # extra arguments go to Maven, e.g. -o to build offline
#   FLOWCORE_EXAMPLES_IMAGE=name bash docker/examples/build.sh    # another image name
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
image=${FLOWCORE_EXAMPLES_IMAGE:-local/flowcore-examples}
say() { echo "docker/examples/build.sh: $*" >&2; }

docker version >/dev/null 2>&1 || { say "no Docker engine answers: start it with 'bash .ci/test-infra.sh docker'"; exit 1; }
docker image inspect local/flowcore-jdk >/dev/null 2>&1 \
  || { say "local/flowcore-jdk is not on this Docker engine: build it with 'bash .ci/test-infra.sh docker'"; exit 1; }

source .ci/java-home.sh
say "packaging flowcore-taxi-examples and its dependencies with Maven"
# copy-dependencies writes each module's runtime dependencies (sibling modules' jars included) to target/dependency
./mvnw -B -ntp -q -DskipTests -pl flowcore-taxi-examples -am "$@" package dependency:copy-dependencies -DincludeScope=runtime >&2

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir "$ctx/lib"
cp docker/examples/Dockerfile "$ctx/"
cp flowcore-taxi-examples/target/dependency/*.jar "$ctx/lib/"
for jar in flowcore-taxi-examples/target/flowcore-taxi-examples-*.jar; do
  case $jar in *-tests.jar|*-sources.jar|*-javadoc.jar) ;; *) cp "$jar" "$ctx/lib/" ;; esac
done

hash=$( (cd "$ctx" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.flowcore.source"}}' "$image" 2>/dev/null || true)" = "$hash" ]; then
  say "$image is up to date"
  exit 0
fi
say "building $image ($(ls "$ctx/lib" | wc -l) jars)"
docker build -q --label "io.flowcore.source=$hash" -t "$image" "$ctx" >/dev/null
say "built $image"
