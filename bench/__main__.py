"""`python -m bench [analysis] [accept] [growth] [e2e] [jobs] [cli] [smtp] [--quick] ...`: runs the
benchmarks, prints tables, writes bench/results/<name>.json. Figures only: nothing here passes or fails."""
from __future__ import annotations

import argparse
import os
import sys
import time

ALL = ["smtp", "analysis", "e2e", "jobs", "cli", "accept", "growth"]
# `smtp` (a Python load generator, pinned cores, a copy of the listener for SO_REUSEPORT) flatters
# Baton: it runs only when named; `accept` is the acceptance figure.
DEFAULT = ["analysis", "accept", "growth", "e2e", "jobs", "cli"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("which", nargs="*", choices=ALL + [[]], metavar="BENCHMARK",
                    help=", ".join(ALL) + " (default: all but smtp)")
    ap.add_argument("--quick", action="store_true",
                    help="far fewer messages (jobs: 10k and 100k intros, 50 claims): a smoke run, figures are rough")
    ap.add_argument("--per-conn", type=int, default=1, metavar="N",
                    help="smtp: messages per SMTP connection (default 1: one session per message)")
    ap.add_argument("--no-postgres", action="store_true", help="smtp: SQLite only")
    ap.add_argument("--no-reuseport", action="store_true", help="smtp: skip the two-listener SO_REUSEPORT cells")
    ap.add_argument("--e2e-count", type=int, default=None, metavar="N", help="e2e: hand-offs to send (default 50)")
    ap.add_argument("--growth-sizes", type=lambda v: [int(x) for x in v.split(",")], default=None, metavar="N,N",
                    help="growth: rows per table to try (default 0,10000,100000; the first is the baseline)")
    args = ap.parse_args(argv)
    which = args.which or DEFAULT
    # Run from the project root whatever the caller's directory: Baton's modules and fixtures are found from there.
    from bench.common import ROOT, write_results

    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    print(f"Baton benchmarks: {', '.join(which)}{' (quick)' if args.quick else ''}; load average "
          f"{os.getloadavg()[0]:.2f} at start (other work on this machine disturbs the figures)\n", flush=True)
    reports = []
    for name in which:
        module = __import__(f"bench.{name}_bench", fromlist=["run", "report"])
        t0 = time.perf_counter()
        data = module.run(args)
        data["wall_seconds"] = time.perf_counter() - t0
        data["quick"] = args.quick
        path = write_results(name, data)
        text = module.report(data)
        reports.append(text)
        print(f"\n{text}\n({name}: {data['wall_seconds']:.0f} s; written to {path.relative_to(ROOT)})\n", flush=True)
    if len(reports) > 1:
        print("=" * 100 + "\nSummary\n" + "=" * 100)
        print("\n\n".join(reports))


if __name__ == "__main__":
    main()
