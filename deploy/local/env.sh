# Shared settings for the local launcher and CI. Sourced, not executed.
# Performance settings for DJL's libtorch on CPU:
#  - OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning (2-core machines).
#  - jemalloc via LD_PRELOAD when installed: less fragmentation under DJL's many native allocations.
#    With MALLOC_CONF=oversize_threshold:0 (unless MALLOC_CONF is set): allocations over 8 MB (a
#    step's [4096, 6144] GEMM output is 100 MB) otherwise go to an arena that returns its pages at once,
#    so each step page-faults its big outputs afresh (TopK step 10% slower, the GEMM peak 13% lower).
#  - SAE_MKL_AMD_FIX=1 (default: auto): on AMD CPUs, preload a tiny library that makes MKL take its
#    vendor-neutral fast path (mkl_serv_intel_cpu_true → 1); same results, 15%–2× matmul throughput
#    depending on the host (compare with `./sae bench gemm` and SAE_MKL_AMD_FIX=0).
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export SAE_HOME="${SAE_HOME:-$ROOT/.sae}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# The engine's SIMD kernels use the incubating Vector API (a scalar fallback runs without it);
# --add-modules prints one "incubator module" warning at start, which is expected.
SAE_JVM_FLAGS="--add-modules jdk.incubator.vector -Dai.djl.offline=true"
SAE_JAVA_OPTS="${SAE_JAVA_OPTS:--Xmx8g} $SAE_JVM_FLAGS"

preload_add() { export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$1"; }

setup_native_preloads() {
  local je
  je=$(ls /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 2>/dev/null || true)
  if [ -n "$je" ] && [ "${SAE_JEMALLOC:-1}" = 1 ]; then
    preload_add "$je"
    export MALLOC_CONF="${MALLOC_CONF:-oversize_threshold:0}"
  fi
  local fix="${SAE_MKL_AMD_FIX:-auto}"
  if [ "$fix" = auto ]; then
    if grep -q AuthenticAMD /proc/cpuinfo 2>/dev/null; then fix=1; else fix=0; fi
  fi
  if [ "$fix" = 1 ] && [ -f "$ROOT/deploy/local/mkl_amd_fix.c" ] && command -v gcc >/dev/null; then
    local so="$SAE_HOME/native/libmkl_amd_fix.so"
    if [ ! -f "$so" ] || [ "$ROOT/deploy/local/mkl_amd_fix.c" -nt "$so" ]; then
      mkdir -p "$SAE_HOME/native"
      gcc -shared -fPIC -O2 -o "$so" "$ROOT/deploy/local/mkl_amd_fix.c"
    fi
    preload_add "$so"
  fi
}

ensure_built() {
  # Rebuild when a source or pom is newer than the CLI jar (build output under target/ is ignored).
  local jar="$ROOT/sae-cli/target/sae-cli.jar"
  local newest=""
  if [ -f "$jar" ]; then
    newest=$(find "$ROOT" \( -name .sae -o -name target -o -name .git -o -name node_modules \) -prune -o \
      \( -name '*.java' -o -name pom.xml -o -name '*.properties' -o -name '*.sql' \) -newer "$jar" -print -quit 2>/dev/null || true)
  fi
  if [ ! -f "$jar" ] || [ -n "$newest" ]; then
    echo "building nanochat-sae (mvn install -DskipTests)..." >&2
    (cd "$ROOT" && mvn -q -B install -DskipTests) >&2
    touch "$jar"
  fi
}
setup_native_preloads
