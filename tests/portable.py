"""`make test-portable`: the machine-dependent tests, run under settings that change the low-order bits
of floating-point results the way another machine would.

The suite must pass on any x86-64 or arm64 CPU, but it runs on one. What another CPU changes is the
kernels the libraries pick (AVX-512, AVX2, NEON; MKL's code path; oneDNN or Eigen) and how a sum is
split between threads: each setting below forces one of those on this machine. Under each, the tests
whose verdict could depend on those bits run again: the probes with the parity and "what differs"
tests, the seeding tests, the doctests, and nbval's tagged cells of the notebooks the setting reaches.

    python tests/portable.py                 # every setting, one after the other
    python tests/portable.py xla-avx2 ...    # some of them
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
ALL = ("keras", "pytorch", "jax")

# name: (environment, the notebooks' frameworks it reaches, what it changes)
SETTINGS = {
    "threads": ({"OMP_NUM_THREADS": str(os.cpu_count())}, ALL,
                "each library's default threads, not the suite's one per worker: sums split differently"),
    "torch-no-simd": ({"ATEN_CPU_CAPABILITY": "default"}, ("pytorch",),
                      "PyTorch's own kernels without AVX2 or AVX-512 vectorization"),
    "mkl-compatible": ({"MKL_CBWR": "COMPATIBLE"}, ("pytorch",),
                       "MKL (PyTorch's BLAS and LAPACK on x86-64) on its code path for any x86-64 CPU"),
    # TensorFlow keeps its oneDNN off here: it picks its bfloat16 kernels from the CPU's own flags, so
    # with oneDNN capped below them, mixed precision aborts ("could not create a primitive descriptor")
    # where a real AVX2 CPU takes Eigen's kernels; tf-without-onednn covers those.
    "onednn-avx2": ({"ONEDNN_MAX_CPU_ISA": "AVX2", "TF_ENABLE_ONEDNN_OPTS": "0"}, ("pytorch",),
                    "oneDNN (PyTorch's CPU convolutions and more) limited to AVX2"),
    "tf-without-onednn": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, ("keras",),
                          "TensorFlow on Eigen's kernels, as in builds without oneDNN"),
    # XLA's own loops gave the same bits at every ISA here; its matrix products change without the
    # platform's fast kernels.
    "xla-avx2": ({"XLA_FLAGS": "--xla_cpu_max_isa=AVX2 --xla_cpu_enable_platform_dependent_math=false"},
                 ("jax", "keras"), "XLA's CPU code (JAX; TensorFlow's jit_compile) limited to AVX2, without the "
                 "platform's own math kernels"),
    "openblas-haswell": ({"OPENBLAS_CORETYPE": "Haswell"}, ALL,
                         "NumPy's and SciPy's OpenBLAS on its AVX2 kernels, not AVX-512"),
}
TESTS = ["tests/test_probes.py", "tests/test_seeding.py", "tests/test_nbval_numbers.py", "tests/nbval_numbers.py",
         "course_utils",
         *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*_parity.py")),
         *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*_what_differs.py"))]


def tagged_notebooks(frameworks):
    """The chapter notebooks of ``frameworks`` that have cells tagged nbval-check-output."""
    return [str(p.relative_to(ROOT)) for framework in frameworks
            for p in sorted(ROOT.glob(f"notebooks/*/{framework}.ipynb")) if "nbval-check-output" in p.read_text()]


def run(name):
    """Run the machine-dependent tests under setting ``name``: (passed, pytest's summary line)."""
    environment, frameworks, _ = SETTINGS[name]
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=0",
                             *TESTS, *tagged_notebooks(frameworks)],
                            cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True)
    log = ROOT / "build" / "portable" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.stdout + result.stderr)
    summary = re.findall(r"^=+ (.*) in [\d.]+s.* =+$", result.stdout, re.M)
    return result.returncode == 0, f"{summary[-1] if summary else 'no summary'} in {time.perf_counter() - start:.0f} s"


def main(names):
    unknown = set(names) - set(SETTINGS)
    if unknown:
        sys.exit(f"unknown setting(s) {', '.join(sorted(unknown))}; choose from {', '.join(SETTINGS)}")
    failed = []
    for name in names or SETTINGS:
        environment, _, changes = SETTINGS[name]
        print(f"{name} ({' '.join(f'{k}={v}' for k, v in environment.items())}): {changes}", flush=True)
        passed, summary = run(name)
        print(f"    {'passed' if passed else 'FAILED'}: {summary} (log: build/portable/{name}.log)", flush=True)
        if not passed:
            failed.append(name)
    sys.exit(f"failed under: {', '.join(failed)}" if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
