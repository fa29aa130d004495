#!/usr/bin/env python3
"""Reference figures from the asyncio PBFT tutorial itself, for docs/tutorial-comparison.md.

Loads the tutorial's code unchanged from the file given as the first argument (the tutorial "A
Coding Implementation to Simulate Practical Byzantine Fault Tolerance with Asyncio, Malicious
Nodes, and Latency Analysis" saved as a .py file) and calls its own `run_single_consensus` with the tutorial's
network (n = 10, delays 5-35 ms, drop 0, reorder 0.05, timeout 2 s) many times per Byzantine
count m. Each trial is seeded like the tutorial's `latency_sweep` does (base + 1000*m + t), so a
figure can be reproduced, but the runs are real asyncio runs in wall-clock time: a success takes
about its latency (~0.2 s) and a failure takes the full 2 s timeout.

Two clocks:
- `--clock wall` (default): the tutorial as published, on asyncio's real event loop. Its latency
  includes the 5 ms polling of `poll_commits`, epoll's millisecond timeouts and the interpreter's
  own time, and a loaded machine inflates it.
- `--clock virtual`: the same code on an event loop whose clock jumps to the next timer instead
  of sleeping (the tutorial module's `time.perf_counter` is pointed at that clock). Nothing else
  changes, so this isolates the model from the machine: it still polls every 5 ms, and it runs
  thousands of trials in seconds.

With either clock the driver also records, by wrapping `Node.propose` and `Node.handle_commit`
(without changing what they do), the exact time from the proposal to the last honest commit,
which is how the Rust engine defines latency: `exact` figures have no polling offset.

Usage:
    python3 scripts/compare_tutorial.py TUTORIAL.py --m 0 --trials 400
    python3 scripts/compare_tutorial.py TUTORIAL.py --m 0,1,2,3,4 --trials 200 --json out.jsonl
    python3 scripts/compare_tutorial.py TUTORIAL.py --clock virtual --m 0,1,2,3,4 --trials 5000

Prints one line per m: successes, trials, success rate, mean and standard deviation of the
latency over successful runs (seconds), its standard error, p50 and p95, agreements and the
load average before and after (a busy machine slows the event loop and inflates latency).
"""
import argparse
import asyncio
import importlib.util
import json
import math
import os
import selectors
import statistics
import sys
import time
import types


def load_tutorial(path):
    spec = importlib.util.spec_from_file_location("pbft_asyncio_tutorial", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the file only runs main() under __name__ == '__main__'
    return module


class VirtualClock:
    def __init__(self):
        self.now = 0.0


class VirtualSelector(selectors.BaseSelector):
    """Delegates registration to a real selector but never blocks: waiting `timeout` seconds
    for I/O that cannot come (the tutorial does no I/O) becomes a jump of the virtual clock."""

    def __init__(self, clock):
        self.clock = clock
        self.real = selectors.DefaultSelector()

    def register(self, fileobj, events, data=None):
        return self.real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self.real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self.real.modify(fileobj, events, data)

    def get_map(self):
        return self.real.get_map()

    def close(self):
        self.real.close()

    def select(self, timeout=None):
        ready = self.real.select(0)
        if ready or not timeout:
            return ready
        if timeout is None:
            raise RuntimeError("virtual clock: nothing scheduled and nothing ready (deadlock)")
        self.clock.now += timeout
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        self.clock = VirtualClock()
        super().__init__(VirtualSelector(self.clock))

    def time(self):
        return self.clock.now


class Recorder:
    """Exact proposal and honest-commit times, recorded around the tutorial's own handlers."""

    def __init__(self, tut, now):
        self.t0 = None
        self.commits = {}
        self.messages = 0  # calls of Network.send: one per destination, dropped ones included
        recorder = self
        propose, handle_commit = tut.Node.propose, tut.Node.handle_commit
        send = tut.Network.send

        async def send_counted(net, dst, msg):
            recorder.messages += 1
            await send(net, dst, msg)

        async def propose_recorded(node, payload, seq):
            recorder.t0, recorder.commits, recorder.messages = now(), {}, 0
            await propose(node, payload, seq)

        async def handle_commit_recorded(node, msg):
            before = msg.seq in node.committed
            await handle_commit(node, msg)  # no await inside: the time below is the commit time
            if not node.byzantine and not before and msg.seq in node.committed:
                recorder.commits[node.nid] = now()

        tut.Node.propose = propose_recorded
        tut.Network.send = send_counted
        tut.Node.handle_commit = handle_commit_recorded

    def exact_latency(self):
        return max(self.commits.values()) - self.t0


def percentile(sorted_values, q):
    """Nearest-rank percentile (q in [0, 1]) of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


async def run_point(tut, recorder, m, trials, base_seed, n, timeout_s):
    net_cfg = tut.NetConfig(min_delay_ms=5, max_delay_ms=35, drop_prob=0.0, reorder_prob=0.05)
    latencies = []
    exact = []
    messages = []
    successes = agreements = 0
    primary_byzantine_failures = 0
    mismatches = 0  # runs whose outcome is not "success iff node 0 is honest"
    for t in range(trials):
        out = await tut.run_single_consensus(
            n=n, malicious=m, net_cfg=net_cfg, timeout_s=timeout_s, seed=base_seed + 1000 * m + t
        )
        primary_honest = 0 not in out["mal_set"]
        messages.append(recorder.messages)
        if out["success"]:
            successes += 1
            latencies.append(out["latency_s"])
            exact.append(recorder.exact_latency())
            if out["agreed_digest"]:
                agreements += 1
        elif not primary_honest:
            primary_byzantine_failures += 1
        if out["success"] != primary_honest:
            mismatches += 1
    latencies.sort()
    exact.sort()
    mean = statistics.fmean(latencies) if latencies else None
    std = statistics.stdev(latencies) if len(latencies) > 1 else None
    exact_std = statistics.stdev(exact) if len(exact) > 1 else None
    return {
        "n": n,
        "m": m,
        "trials": trials,
        "successes": successes,
        "success_rate": successes / trials,
        "agreements": agreements,
        "latency_s_mean": mean,
        "latency_s_std": std,
        "latency_s_stderr": std / math.sqrt(len(latencies)) if std is not None else None,
        "latency_s_p50": percentile(latencies, 0.50),
        "latency_s_p95": percentile(latencies, 0.95),
        "latency_s_min": latencies[0] if latencies else None,
        "latency_s_max": latencies[-1] if latencies else None,
        "exact_latencies_s": exact,
        "exact_latency_s_mean": statistics.fmean(exact) if exact else None,
        "exact_latency_s_std": exact_std,
        "exact_latency_s_stderr": exact_std / math.sqrt(len(exact)) if exact_std else None,
        "exact_latency_s_p50": percentile(exact, 0.50),
        "exact_latency_s_p95": percentile(exact, 0.95),
        "messages_mean": statistics.fmean(messages),
        "messages_std": statistics.stdev(messages) if trials > 1 else None,
        "failures_with_byzantine_primary": primary_byzantine_failures,
        "runs_where_success_differs_from_primary_honest": mismatches,
        "base_seed": base_seed,
    }


def kolmogorov_sf(x):
    """P(K > x) for the Kolmogorov distribution (the asymptotic KS null distribution)."""
    if x < 0.2:
        return 1.0
    return max(0.0, min(1.0, 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * x * x) for k in range(1, 101))))


def ks_two_sample(xs, ys):
    """Two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value."""
    xs, ys = sorted(xs), sorted(ys)
    i = j = 0
    d = 0.0
    while i < len(xs) and j < len(ys):
        v = min(xs[i], ys[j])
        while i < len(xs) and xs[i] <= v:
            i += 1
        while j < len(ys) and ys[j] <= v:
            j += 1
        d = max(d, abs(i / len(xs) - j / len(ys)))
    ne = len(xs) * len(ys) / (len(xs) + len(ys))
    return d, kolmogorov_sf((math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d)


def ks_against_engine(row, path):
    engine = [float(l.split()[1]) / 1000.0 for l in open(path) if l.split() and int(l.split()[0]) == row["m"]]
    if engine:
        d, p = ks_two_sample(row["exact_latencies_s"], engine)
        row["ks_vs_engine"] = {"d": d, "p": p, "engine_n": len(engine)}
        print(f"m={row['m']} KS vs engine: D={d:.4f} p={p:.3f} (python {len(row['exact_latencies_s'])}, engine {len(engine)})", flush=True)


def fmt(x):
    return "NA" if x is None else f"{x:.4f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tutorial", help="the tutorial's Python file, loaded unchanged")
    parser.add_argument("--m", default="0,1,2,3,4", help="comma-separated Byzantine counts")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--timeout-s", type=float, default=2.0)
    parser.add_argument("--base-seed", type=int, default=20260)
    parser.add_argument("--clock", choices=["wall", "virtual"], default="wall")
    parser.add_argument(
        "--engine-latencies",
        help="file of 'm latency_ms' lines from the Rust engine (see docs/tutorial-comparison.md):"
        " prints a two-sample Kolmogorov-Smirnov test against the exact Python latencies",
    )
    parser.add_argument(
        "--keep-latencies", action="store_true", help="keep every run's exact latency in --json"
    )
    parser.add_argument("--json", help="append one JSON object per m to this file")
    args = parser.parse_args()

    tut = load_tutorial(args.tutorial)
    if args.clock == "virtual":
        loop = VirtualLoop()
        now = loop.time
        # Only the tutorial module's view of `time` changes: its t0 and latency use the loop clock.
        tut.time = types.SimpleNamespace(perf_counter=loop.time)
    else:
        loop = asyncio.new_event_loop()
        now = time.perf_counter
    recorder = Recorder(tut, now)
    for m in [int(x) for x in args.m.split(",") if x.strip()]:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        row = loop.run_until_complete(
            run_point(tut, recorder, m, args.trials, args.base_seed, args.n, args.timeout_s)
        )
        row["clock"] = args.clock
        row["wall_s"] = time.perf_counter() - started
        row["loadavg_1min_before"] = load_before
        row["loadavg_1min_after"] = os.getloadavg()[0]
        row["python"] = sys.version.split()[0]
        print(
            f"m={m} successes={row['successes']}/{row['trials']} rate={row['success_rate']:.4f} "
            f"lat_mean={fmt(row['latency_s_mean'])} lat_std={fmt(row['latency_s_std'])} "
            f"lat_se={fmt(row['latency_s_stderr'])} p50={fmt(row['latency_s_p50'])} "
            f"p95={fmt(row['latency_s_p95'])} exact_mean={fmt(row['exact_latency_s_mean'])} "
            f"exact_se={fmt(row['exact_latency_s_stderr'])} exact_p50={fmt(row['exact_latency_s_p50'])} "
            f"exact_p95={fmt(row['exact_latency_s_p95'])} agreements={row['agreements']} "
            f"messages={row['messages_mean']:.2f} (sd {fmt(row['messages_std'])}) "
            f"mismatch_vs_primary_honest={row['runs_where_success_differs_from_primary_honest']} "
            f"wall={row['wall_s']:.0f}s load={load_before:.2f}->{row['loadavg_1min_after']:.2f}",
            flush=True,
        )
        if args.engine_latencies and row["exact_latencies_s"]:
            ks_against_engine(row, args.engine_latencies)
        if not args.keep_latencies:
            del row["exact_latencies_s"]
        if args.json:
            with open(args.json, "a") as f:
                f.write(json.dumps(row) + "\n")
    loop.close()


if __name__ == "__main__":
    main()
