/* MKL checks for a genuine Intel CPU before choosing its AVX-512 kernels; on AMD EPYC it falls back
 * to a slow path. Defining this symbol (preloaded before libtorch's bundled MKL) makes MKL treat
 * the CPU as Intel, which on AVX-512-capable AMD CPUs doubles sgemm throughput with identical results. */
int mkl_serv_intel_cpu_true(void) { return 1; }
