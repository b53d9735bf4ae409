# Sourced by ./mvnw and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a suitable JAVA_HOME; otherwise picks the newest JDK 21+ it finds in the usual places.

jdk_major() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

jdk_ok() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  jdk_major_found=$(jdk_major "$1")
  [ -n "$jdk_major_found" ] && [ "$jdk_major_found" -ge 21 ]
}

if [ -z "${JAVA_HOME-}" ] || ! jdk_ok "$JAVA_HOME"; then
  jdk_best=""
  jdk_best_major=0
  jdk_on_path=""
  if command -v javac >/dev/null 2>&1; then
    jdk_on_path=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  fi
  for jdk_candidate in "$jdk_on_path" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* \
    "${HOME-}"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$jdk_candidate" ] && [ -d "$jdk_candidate" ] || continue
    if jdk_ok "$jdk_candidate" && [ "$jdk_major_found" -gt "$jdk_best_major" ]; then
      jdk_best="$jdk_candidate"
      jdk_best_major="$jdk_major_found"
    fi
  done
  if [ -n "$jdk_best" ]; then
    JAVA_HOME="$jdk_best"
    export JAVA_HOME
  else
    echo "session-gateway needs a JDK 21 or newer (25 recommended); set JAVA_HOME to one." >&2
    exit 1
  fi
fi
