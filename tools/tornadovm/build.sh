#!/usr/bin/env bash
# Builds TornadoVM 5.2.0-jdk25 (OpenCL backend) from source, outside the repository, and installs
# tornado-api into ~/.m2 for `mvn -Ptornadovm`. Tested on Debian with PoCL (CPU OpenCL). Needs: git, a JDK 25
# (JAVA_HOME), cmake, gcc/g++, python3, an OpenCL ICD + headers:
#   apt-get install pocl-opencl-icd ocl-icd-opencl-dev clinfo cmake g++
# Usage: tools/tornadovm/build.sh [DEST]   (default /work/tornadovm; TornadoVM sources: SRC_GIT, a clone)
# It skips TornadoVM's bin/compile wrapper, which pip-installs Python packages (streamlit, ...) and clones
# the Khronos headers from GitHub; the Maven command below is the one that wrapper runs.
set -euo pipefail
DEST=${1:-/work/tornadovm}
TAG=v5.2.0-jdk25
SRC_GIT=${SRC_GIT:-}          # an existing clone's .git; else cloned from GitHub
GRAAL=25.0.2
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"

mkdir -p "$DEST"
if [[ ! -f "$DEST/pom.xml" ]]; then
  if [[ -z "$SRC_GIT" ]]; then
    git clone --depth 1 --branch "$TAG" https://github.com/beehive-lab/TornadoVM.git "$DEST"
  else
    # a benchmark data file of the tag may be absent from partial mirrors; it is not needed
    git --git-dir="$SRC_GIT" archive "$TAG" -- . ':!tornado-benchmarks/src/main/resources' | tar x -C "$DEST"
  fi
fi
cd "$DEST"

# The Graal compiler jars TornadoVM runs with on a stock JDK (bin/pull_graal_jars.py lists them;
# compiler-management is not on Maven Central and is not needed).
mkdir -p graalJars
for p in compiler/compiler/$GRAAL/compiler-$GRAAL.jar sdk/graal-sdk/$GRAAL/graal-sdk-$GRAAL.jar \
         truffle/truffle-api/$GRAAL/truffle-api-$GRAAL.jar truffle/truffle-compiler/$GRAAL/truffle-compiler-$GRAAL.jar \
         sdk/collections/$GRAAL/collections-$GRAAL.jar sdk/word/$GRAAL/word-$GRAAL.jar \
         polyglot/polyglot/$GRAAL/polyglot-$GRAAL.jar; do
  [[ -f graalJars/$(basename "$p") ]] || curl -sfL -o "graalJars/$(basename "$p")" "https://repo1.maven.org/maven2/org/graalvm/$p"
done

# The OpenCL JNI library compiles against the system headers (/usr/include/CL) when headers/ is absent.
echo "tornado.backends=opencl-backend" > tornado-assembly/src/etc/tornado.backend
nice -n 10 ./mvnw -B -T1 -Pjdk25,opencl-backend -Dtornado.backend=opencl -DskipTests install   # ~5 min on 2 cores

SDK=$(ls -d "$DEST"/dist/tornadovm-*-opencl-linux-amd64/tornadovm-*-opencl)
(cd "$SDK/bin" && TORNADOVM_HOME="$SDK" python3 gen-tornado-argfile-template.py opencl)
sed "s#\${TORNADOVM_HOME}#$SDK#g" "$SDK/tornado-argfile.template" > "$SDK/tornado-argfile"
echo "TornadoVM SDK: $SDK"
echo "  export TORNADOVM_HOME=$SDK; \$TORNADOVM_HOME/bin/tornado --devices"
echo "  then in f5j: mvn -q -B -Ptornadovm package -DskipTests && ./f5j golden verify --backend tornado src/test/resources/goldens"
