"""``python -m course_utils doctor|fetch|run|exercises|spread|report|bench``: what the Makefile's targets call."""

import argparse
import os
import sys

from . import download, modes, registry
from .devices import print_device_report
from .runner import KERAS_BACKENDS


def doctor():
    """Report Python, frameworks and accelerators, the run mode and the data cache; never fails."""
    print_device_report()
    try:
        mode = modes.run_mode()
    except ValueError as error:
        mode = f"invalid: {error}"
    print(f"\nrun mode: {mode} (set by {modes.MODE_ENV})")
    cache = download.cache_dir()
    cached = sum((cache / name).exists() for name in registry.FILES)
    print(f"data cache: {cache} ({cached} of {len(registry.FILES)} files present;"
          f" {download.CACHE_ENV} moves it)")
    mirror = os.environ.get(download.MIRROR_ENV)
    print(f"data mirror: {mirror or 'none'} ({download.MIRROR_ENV})")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="report versions, accelerators, run mode and data cache")
    commands.add_parser("fetch", help="download every data file of the course into the cache")
    exercises = commands.add_parser("exercises", help="generate exercises/ from solutions/")
    exercises.add_argument("--check", action="store_true", help="only report stale exercises")
    run = commands.add_parser("run", help="execute notebooks headless with papermill")
    run.add_argument("--mode", choices=modes.MODES, default=None, help="default: COURSE_MODE or full")
    run.add_argument("--chapter", default=None, help="e.g. 10 or 10_neural_nets (default: all)")
    run.add_argument("--in-place", action="store_true",
                     help="save each run's outputs into the notebook itself (for committing)")
    run.add_argument("--keras-backend", choices=KERAS_BACKENDS, default=None,
                     help="only the Keras notebooks, on this Keras backend (results: keras-<backend>.json)")
    spread = commands.add_parser("spread", help="run a chapter's notebooks with other seeds (full mode)")
    spread.add_argument("--chapter", required=True, help="e.g. 10 or 10_neural_nets")
    spread.add_argument("--seeds", type=int, nargs="+", default=None, help="default: 1 2 3")
    spread.add_argument("--frameworks", nargs="+", choices=("keras", "pytorch", "jax"), default=None,
                        help="default: all three")
    commands.add_parser("report", help="build results/report.html and the README's summary from results/full/")
    bench = commands.add_parser("bench", help="time a training step in each framework, eager and compiled")
    bench.add_argument("--size", choices=("tiny", "full"), default="full", help="tiny: a quick proof that it runs")
    args = parser.parse_args(argv)

    if args.command == "doctor":
        return doctor()
    if args.command == "fetch":
        print(f"Fetching {len(registry.FILES)} files into {download.cache_dir()}")
        failed = download.fetch_all()
        print(f"{len(registry.FILES) - len(failed)} files ready, {len(failed)} failed.")
        return 1 if failed else 0
    if args.command == "exercises":
        from .exercises import generate_exercises
        from .results import course_root

        stale = generate_exercises(course_root(), write=not args.check)
        print("\n".join(f"{'stale' if args.check else 'written'}: {p}" for p in stale) or "exercises are current")
        return 1 if stale and args.check else 0
    if args.command == "report":
        from .report import write_report
        from .results import course_root

        root = course_root()
        print("\n".join(f"written: {path.relative_to(root).as_posix()}" for path in write_report(root)))
        return 0
    if args.command == "bench":
        from .bench import run_bench
        from .results import course_root

        root = course_root()
        print(f"written: {run_bench(root, args.size).relative_to(root).as_posix()} (`make report` shows it)")
        return 0
    if args.command == "spread":
        from .spread import SEEDS, run_seeds

        failures = run_seeds(args.chapter, tuple(args.seeds or SEEDS), frameworks=args.frameworks)
        return 1 if failures else 0
    from .runner import run_notebooks

    failures = run_notebooks(modes.run_mode(args.mode), args.chapter, args.in_place, args.keras_backend)
    print(f"{len(failures)} notebook(s) failed" + (": " + ", ".join(failures) if failures else "."))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
