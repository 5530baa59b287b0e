# shellcheck shell=bash
# Sourced by ./flowcore and .ci/run-main.sh: build a module with Maven only when its sources changed.
#
# How: after each successful build a stamp file gets the mtime of the newest source seen when the
# build started. The build is up to date while no file or directory under the sources (src/main and
# pom.xml of the module and of every flowcore module it depends on, and the root pom.xml) is newer
# than the stamp. Directories count too: deleting or adding a file changes its directory's mtime.
# Why the newest source's time and not the time the build ended: a source saved while Maven runs is
# newer than every source Maven started from, so the next call builds again instead of running
# classes compiled from the older file.
# Tested by flowcore-cli's LauncherStampTests (on a temp tree, with a stand-in for Maven).

# Prints MODULE and every flowcore module it depends on (transitively, any scope), one per line,
# read from the poms under ROOT: an <artifactId> naming a sibling directory with a pom.xml.
# Usage: fc_module_closure ROOT MODULE
fc_module_closure() {
  local root=$1 seen=" " m line rest re='<artifactId>(flowcore-[^<]*)</artifactId>(.*)'
  local -a todo=("$2")
  while [ ${#todo[@]} -gt 0 ]; do
    m=${todo[0]}
    todo=("${todo[@]:1}")
    if [[ $seen == *" $m "* ]] || [ ! -f "$root/$m/pom.xml" ]; then continue; fi
    seen+="$m "
    echo "$m"
    # Bash's own regex, not grep/sed: this runs on every call of the launcher.
    while IFS= read -r line || [ -n "$line" ]; do
      rest=$line
      while [[ $rest =~ $re ]]; do
        todo+=("${BASH_REMATCH[1]}")
        rest=${BASH_REMATCH[2]}
      done
    done <"$root/$m/pom.xml"
  done
}

# Prints the paths whose contents decide whether MODULE must be rebuilt, one per line.
# Usage: fc_module_sources ROOT MODULE
fc_module_sources() {
  local root=$1 m
  echo "$root/pom.xml"
  for m in $(fc_module_closure "$root" "$2"); do
    echo "$root/$m/pom.xml"
    echo "$root/$m/src/main"
  done
}

# True when STAMP exists and nothing under PATH... (files and directories) is newer than it.
# Usage: fc_up_to_date STAMP PATH...
fc_up_to_date() {
  local stamp=$1
  shift
  [ -f "$stamp" ] || return 1
  # A PATH that does not exist (a module without src/main) has nothing newer: ignore find's complaint.
  [ -z "$(find "$@" -newer "$stamp" -print -quit 2>/dev/null)" ]
}

# Runs BUILD (a command or function) unless STAMP is up to date with PATH..., then stamps it.
# Concurrent callers wait for each other (flock, where the system has it) and build only once.
# Returns BUILD's status when it fails (the stamp is left as it was, so the next call tries again).
# Usage: fc_build_if_changed STAMP BUILD PATH...
fc_build_if_changed() {
  local stamp=$1 build=$2
  shift 2
  fc_up_to_date "$stamp" "$@" && return 0
  mkdir -p "$(dirname "$stamp")"
  (
    if command -v flock >/dev/null; then
      flock 9
      fc_up_to_date "$stamp" "$@" && exit 0   # another caller built it while this one waited
    fi
    # The newest mtime among the sources, in seconds with nanoseconds (GNU find), before BUILD reads them.
    newest=$(find "$@" -printf '%T@\n' 2>/dev/null | LC_ALL=C sort -n | tail -n 1) || true
    "$build" || exit
    touch -d "@${newest:-0}" "$stamp"
  ) 9>"$stamp.lock"
}
