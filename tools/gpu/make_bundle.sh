#!/usr/bin/env bash
# Packs what tools/gpu/run.sh needs on a bare Linux x86-64 machine with an NVIDIA GPU and its driver:
#   jdk/        a jlink'd JDK 25 image (all JDK modules: TornadoVM needs JVMCI and adds ALL-SYSTEM)
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
unzip -l "$root/target/f5j.jar" | grep -q 'f5j/compute/tornado/TornadoBackend.class' \
  || { echo "target/f5j.jar has no TornadoVM backend: build with -Ptornadovm" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/f5j/target" "$OUT/lib"
"$JAVA_HOME/bin/jlink" --add-modules "$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' | paste -sd,)" \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$OUT/jdk"
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
