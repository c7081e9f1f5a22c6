# Finds a JDK that can build and run Tocsin (Java 21 or newer). POSIX sh: sourced by bin/tocsin, ./mvnw, .ci/run.
#
#   tocsin_find_jdk   prints the home of a suitable JDK, or explains what is missing on stderr and returns 1.
#
# Order: $JAVA_HOME if it is 21+; the `java` on PATH if it is 21+; otherwise the newest 21+ JDK installed beside
# the default java or in the usual locations (/usr/lib/jvm, /opt, SDKMAN, macOS).

TOCSIN_MIN_JAVA=${TOCSIN_MIN_JAVA:-21}

# Prints the feature version (8, 17, 21, 25...) of the JDK at $1, or fails.
tocsin_jdk_version() {
  [ -x "$1/bin/java" ] || return 1
  _tv=$("$1/bin/java" -version 2>&1 | grep -m1 -Eo 'version "[^"]+"') || return 1
  _tv=${_tv#version \"}; _tv=${_tv%\"}
  case "$_tv" in
    1.*) _tv=${_tv#1.}; _tv=${_tv%%.*} ;;
    *) _tv=${_tv%%[.+-]*} ;;
  esac
  case "$_tv" in ''|*[!0-9]*) return 1 ;; esac
  echo "$_tv"
}

tocsin_is_suitable() {
  _sv=$(tocsin_jdk_version "$1") || return 1
  [ "$_sv" -ge "$TOCSIN_MIN_JAVA" ] && [ -x "$1/bin/javac" ]
}

tocsin_find_jdk() (
  set +f   # callers such as mvnw disable globbing; this function runs in a subshell
  if [ -n "${JAVA_HOME:-}" ]; then
    if tocsin_is_suitable "$JAVA_HOME"; then echo "$JAVA_HOME"; return 0; fi
    echo "tocsin: JAVA_HOME=$JAVA_HOME is not a JDK $TOCSIN_MIN_JAVA+ (found: $(tocsin_jdk_version "$JAVA_HOME" || echo none)); looking elsewhere" >&2
  fi
  beside=/nonexistent
  path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$path_java" ]; then
    path_java=$(readlink -f "$path_java")
    home=$(dirname "$(dirname "$path_java")")
    if tocsin_is_suitable "$home"; then echo "$home"; return 0; fi
    beside=$(dirname "$home")
  fi
  best=""; best_v=0
  for c in "$beside"/* /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* /opt/*/jdk* \
           "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && [ -x "$c/bin/javac" ] || continue
    v=$(tocsin_jdk_version "$c") || continue
    if [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  if [ "$best_v" -ge "$TOCSIN_MIN_JAVA" ]; then echo "$best"; return 0; fi
  {
    echo "tocsin: no JDK $TOCSIN_MIN_JAVA or newer found."
    [ -n "$path_java" ] && echo "  the java on PATH ($path_java) is Java $(tocsin_jdk_version "$(dirname "$(dirname "$path_java")")" || echo '?')"
    [ "$best_v" -gt 0 ] && echo "  the newest JDK found was Java $best_v at $best"
    echo "  Install JDK $TOCSIN_MIN_JAVA+ (Debian/Ubuntu: apt-get install openjdk-21-jdk-headless, or Temurin from adoptium.net)"
    echo "  and/or set JAVA_HOME to its directory."
  } >&2
  return 1
)
