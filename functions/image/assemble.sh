#!/usr/bin/env bash
# Assembles a service's runtime folder from its executable jar: the one place that says how
# the image is laid out, run by functions/Dockerfile and by ImageAssemblyTests (with the
# local JDK 25), so a broken step fails the test command and not only `docker build`.
#
#   assemble.sh extract JAR DIR   Spring Boot's extracted layout in DIR (DIR/app.jar with
#                                 DIR/lib), the JVM options and DIR/start, the command
#                                 that runs the service. A jar built with Spring AOT
#                                 processing (-Paot) starts its generated context.
#   assemble.sh train DIR         A training run that starts the context and exits, and
#                                 writes the JDK AOT cache DIR/app.aot (JDK 25+), which
#                                 DIR/start then uses. Run it where the image runs: the
#                                 cache holds the JVM's and the jar's identity.
#   assemble.sh tmp DIR           DIR as the writable temp folder for user 10001 under a
#                                 read-only root file system: sticky and world-writable,
#                                 as the image declares it a VOLUME (ECS copies its modes).
#
# JAVA (default: java on the PATH) is the JVM that extracts and trains.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
java="${JAVA:-java}"

usage() {
	sed -n '5,18p' "$0" >&2
	exit 2
}

extract() {
	local jar="$1" dir="$2"
	[ -f "$jar" ] || { echo "assemble: no jar at $jar" >&2; exit 1; }
	mkdir -p "$dir"
	local work
	work="$(mktemp -d)"
	# Extract names the application jar after the fat jar: copy it to app.jar first.
	cp "$jar" "$work/app.jar"
	"$java" -Djarmode=tools -jar "$work/app.jar" extract --destination "$dir" --force
	rm -rf "$work"
	cp "$here/../jvm.options" "$dir/jvm.options"
	# Spring AOT names the generated context after the application class; the zip's file
	# names are stored as plain text, so grep finds it without unzip (not in the JRE image).
	if grep -q '__ApplicationContextInitializer\.class' "$dir/app.jar"; then
		echo "-Dspring.aot.enabled=true" >> "$dir/jvm.options"
	fi
	cat > "$dir/start" <<'START'
#!/bin/sh
# Starts the service with its JVM options, and the AOT cache when the image has one.
# Two malloc arenas instead of one per core and thread: with TrimNativeHeapInterval (in
# jvm.options) this keeps the memory the JIT and the threads freed from staying resident.
dir="$(cd "$(dirname "$0")" && pwd)"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
aot=""
[ -f "$dir/app.aot" ] && aot="-XX:AOTCache=$dir/app.aot"
exec "${JAVA:-java}" @"$dir/jvm.options" $aot -Djava.io.tmpdir="${TMPDIR:-/tmp}" -jar "$dir/app.jar" "$@"
START
	chmod 0755 "$dir/start"
	[ -f "$dir/app.jar" ] && [ -d "$dir/lib" ] || { echo "assemble: extract left no app.jar and lib/ in $dir" >&2; exit 1; }
}

train() {
	local dir="$1"
	[ -f "$dir/app.jar" ] || { echo "assemble: run extract first ($dir/app.jar missing)" >&2; exit 1; }
	rm -f "$dir/app.aot"
	# The context starts and exits; AWS calls fail harmlessly (no network, any region) and
	# are retried in the background, which the exit ends.
	AWS_REGION="${AWS_REGION:-us-east-1}" "$java" @"$dir/jvm.options" -XX:AOTCacheOutput="$dir/app.aot" \
		-Dspring.context.exit=onRefresh -Dserver.port=0 -Dmanagement.server.port=0 -jar "$dir/app.jar"
	[ -s "$dir/app.aot" ] || { echo "assemble: the training run wrote no AOT cache" >&2; exit 1; }
}

tmp() {
	mkdir -p "$1"
	chmod 1777 "$1"
}

case "${1:-}" in
	extract) [ $# -eq 3 ] || usage; extract "$2" "$3" ;;
	train) [ $# -eq 2 ] || usage; train "$2" ;;
	tmp) [ $# -eq 2 ] || usage; tmp "$2" ;;
	*) usage ;;
esac
