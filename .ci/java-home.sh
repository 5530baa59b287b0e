# shellcheck shell=bash
# Sourced by the other scripts: picks a JDK >= 21 and exports JAVA_HOME and PATH.
# Why: the machine's default `java` is 17, but flowcore needs 21 (a Temurin 25 sits in /usr/lib/jvm).
# Order: $JAVA_HOME if it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm, else install one with apt.

# Prints the feature version (17, 21, 25, ...) of the JDK in $1, or nothing if $1 is no full JDK.
_fc_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  # No release file (unusual packaging): ask the JVM itself.
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  echo "$v"
}

# Prints the newest JDK >= 21 under /usr/lib/jvm (symlinks skipped, they only duplicate real dirs).
_fc_find_jdk() {
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    if [ ! -d "$d" ] || [ -L "$d" ]; then continue; fi
    v=$(_fc_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d best_v=$v; fi
  done
  echo "$best"
}

# Last resort on a machine without one: Debian 12 only packages openjdk-17, so ask apt which
# of openjdk-25/21 it can offer (Ubuntu and newer Debian do) rather than fail inside apt-get.
_fc_install_jdk() {
  local sudo="" pkg
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 || return 1
  for pkg in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
    if [[ $(apt-cache policy "$pkg" 2>/dev/null) == *"Candidate: "[0-9]* ]]; then
      echo "java-home: installing $pkg with apt" >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >&2 && return 0
    fi
  done
  return 1
}

if [ -n "${JAVA_HOME:-}" ] && [ "$(_fc_jdk_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  : # keep the caller's choice (e.g. actions/setup-java on GitHub)
else
  JAVA_HOME=$(_fc_find_jdk)
  if [ -z "$JAVA_HOME" ] && _fc_install_jdk; then JAVA_HOME=$(_fc_find_jdk); fi
  if [ -z "$JAVA_HOME" ]; then
    echo "java-home: no JDK >= 21 found (checked \$JAVA_HOME and /usr/lib/jvm/*) and apt has none to install." >&2
    echo "java-home: install a JDK 21+ and set JAVA_HOME to it." >&2
    return 1   # this file is sourced
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# JDK 24+ warns about Maven's own (Guice's) use of sun.misc.Unsafe; the flag that silences it
# does not exist before 23, so it cannot go in .mvn/jvm.config.
if [ "$(_fc_jdk_major "$JAVA_HOME")" -ge 24 ] && [[ ${MAVEN_OPTS:-} != *unsafe-memory-access* ]]; then
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi
# Say it once, not again in the scripts that source this file from one that already did.
if [ "${_FC_JDK_SAID:-}" != "$JAVA_HOME" ]; then
  echo "java-home: using JDK $(_fc_jdk_major "$JAVA_HOME") at $JAVA_HOME" >&2
  export _FC_JDK_SAID=$JAVA_HOME
fi
