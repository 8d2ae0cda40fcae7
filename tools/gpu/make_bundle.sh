#!/usr/bin/env bash
# Packs what tools/gpu/run.sh needs on a bare Linux x86-64 machine with an NVIDIA GPU and its driver:
#   jdk/        a jlink'd JDK 25 image (all JDK modules: TornadoVM needs JVMCI and adds ALL-SYSTEM), or a
#               copy of the JDK where jlink has no jmods to link from
#   tornadovm/  the TornadoVM SDK (OpenCL backend), its machine-specific argfile left out
#   f5j/        the -Ptornadovm jar and its libraries, the launcher, conf/ and the goldens
#   lib/        the OpenCL ICD loader (the NVIDIA driver brings the ICD, not always the loader)
#   run.sh
# Usage (repository root, after `mvn -Ptornadovm package -DskipTests`, TORNADOVM_HOME set):
#   tools/gpu/make_bundle.sh /tmp/f5j-gpu   ->  /tmp/f5j-gpu.tar.gz, copy it over, then
#   tar xzf f5j-gpu.tar.gz && f5j-gpu/run.sh
set -euo pipefail
OUT=${1:?output directory}
: "${TORNADOVM_HOME:?the TornadoVM SDK}"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ -f "$root/target/f5j.jar" ]] || { echo "build first: mvn -Ptornadovm package -DskipTests" >&2; exit 2; }
unzip -Z1 "$root/target/f5j.jar" f5j/compute/tornado/TornadoBackend.class >/dev/null 2>&1 \
  || { echo "target/f5j.jar has no TornadoVM backend: build with -Ptornadovm" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/f5j/target" "$OUT/lib"
# jlink needs the JDK's jmods (or a JDK built with --enable-linkable-runtime); Temurin 25 ships neither,
# so without them the JDK is copied instead, less its sources, headers and man pages.
if ! "$JAVA_HOME/bin/jlink" --add-modules "$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' | paste -sd,)" \
     --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$OUT/jdk" 2>/dev/null; then
  echo "jlink unavailable on $JAVA_HOME (no jmods): copying the JDK"
  rm -rf "$OUT/jdk" && cp -r "$JAVA_HOME" "$OUT/jdk" && rm -rf "$OUT/jdk/lib/src.zip" "$OUT/jdk/include" "$OUT/jdk/man"
fi
cp -r "$TORNADOVM_HOME" "$OUT/tornadovm"
rm -f "$OUT/tornadovm/tornado-argfile" && rm -rf "$OUT/tornadovm/examples"
cp -r "$root/target/f5j.jar" "$root/target/lib" "$OUT/f5j/target/"
cp -r "$root/f5j" "$root/conf" "$OUT/f5j/"
mkdir -p "$OUT/f5j/goldens" && cp -r "$root/src/test/resources/goldens/." "$OUT/f5j/goldens/"
cp "$root/tools/bench_pytorch.py" "$OUT/f5j/" 2>/dev/null || true
cp -L /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$OUT/lib/"
cp "$root/tools/gpu/run.sh" "$OUT/run.sh"
tar czf "$OUT.tar.gz" -C "$(dirname "$OUT")" "$(basename "$OUT")"
du -sh "$OUT" "$OUT.tar.gz"
