"""`questlog prioritize` on a 10,000-task Taskwarrior export, as a whole process.

    .venv/bin/python bench/bench_cli.py [N]

Generates a Taskwarrior-style export of N tasks (default 10,000: dates, priorities, tags,
projects, annotations, dependencies), times ``questlog prioritize FILE`` end to end
(interpreter start and imports included) with hyperfine if installed, else best of 5
subprocess runs. If Taskwarrior (`task`) is installed, imports the same tasks into a
temporary TASKDATA and times ``task next`` the same way, then prints the ratio.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).parents[1]


def tw_date(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def make_export(n: int, seed: int = 11) -> list[dict[str, object]]:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]
    tasks: list[dict[str, object]] = []
    for i in range(n):
        task: dict[str, object] = {
            "uuid": ids[i],
            "description": f"Task {i} {rng.choice(['write', 'call', 'fix', 'buy', 'plan'])}",
            "status": "pending",
            "entry": tw_date(now - timedelta(days=rng.uniform(0, 800))),
        }
        if rng.random() < 0.5:
            task["due"] = tw_date(now + timedelta(days=rng.uniform(-30, 60)))
        if rng.random() < 0.6:
            task["priority"] = rng.choice("LMH")
        if rng.random() < 0.5:
            task["project"] = rng.choice(["home", "work", "work.reports", "travel"])
        if rng.random() < 0.6:
            task["tags"] = rng.sample(
                ["next", "home", "bills", "fun", "health", "admin"], rng.randint(1, 3)
            )
        if rng.random() < 0.2:
            task["annotations"] = [
                {"entry": tw_date(now), "description": f"note {k}"}
                for k in range(rng.randint(1, 3))
            ]
        # Dependencies inside a project-sized window, lower index first: a DAG.
        if i % 50 and rng.random() < 0.5:
            base = i - i % 50
            task["depends"] = sorted(
                {ids[rng.randrange(base, i)] for _ in range(rng.randint(1, 3))}
            )
        tasks.append(task)
    return tasks


def best_of(cmd: list[str], env: dict[str, str] | None = None, runs: int = 5) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        best = min(best, time.perf_counter() - start)
    return best


def timed(
    label: str, cmd: list[str], env: dict[str, str] | None = None, runs: int = 10, warmup: int = 3
) -> tuple[float, float]:
    """(min wall, mean user+system CPU) seconds from hyperfine (``warmup`` warm-ups, ``runs``
    runs), or the best of 5 subprocess runs (then wall time for both). CPU time is the
    steadier figure on a busy machine: other processes stretch wall time, not CPU time."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            hf = ["hyperfine", "-N", "-w", str(warmup), "-r", str(runs)]
            hf += ["--export-json", out.name]
            shell_cmd = " ".join(cmd)
            subprocess.run([*hf, shell_cmd], check=True, env=env, stdout=subprocess.DEVNULL)
            result = json.loads(Path(out.name).read_text())["results"][0]
        mean, low, high = result["mean"] * 1000, result["min"] * 1000, result["max"] * 1000
        cpu = (result["user"] + result["system"]) * 1000
        print(f"{label:<34} wall min {low:6.0f} ms, mean {mean:6.0f} ms, max {high:6.0f} ms; "
              f"CPU {cpu:6.0f} ms (mean of {runs})")  # fmt: skip
        return float(result["min"]), float(result["user"] + result["system"])
    seconds = best_of(cmd, env)
    print(f"{label:<34} best {seconds * 1000:7.0f} ms (best of 5)")
    return seconds, seconds


def compare(label: str, tasks: list[dict[str, object]], work: Path) -> None:
    """Time ``questlog prioritize`` and (if installed) ``task next`` over ``tasks``."""
    work.mkdir()
    export = work / "export.json"
    export.write_text(json.dumps(tasks))
    deps = sum(len(t.get("depends", [])) for t in tasks)  # type: ignore[arg-type]
    print(f"\n-- {label}: {len(tasks):,} tasks, {deps:,} dependencies")
    questlog = [
        sys.executable,  # the interpreter running this bench (make bench: .venv's)
        "-m",
        "apps.cli",
        "prioritize",
        str(export),
    ]
    ours = timed("questlog prioritize (all, table)", questlog)
    limited = timed("questlog prioritize --limit 25", [*questlog, "--limit", "25"])
    if not shutil.which("task"):
        print("Taskwarrior not installed: no comparison (apt-get install taskwarrior)")
        return
    env = dict(os.environ, TASKDATA=str(work / "data"), TASKRC=str(work / "taskrc"), TZ="UTC")
    (work / "data").mkdir()
    (work / "taskrc").write_text("")
    flags = ["rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off", "rc.gc=off"]
    start = time.perf_counter()
    subprocess.run(["task", *flags, "import", str(export)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    took = time.perf_counter() - start
    print(f"(task import of {len(tasks):,} tasks took {took:.1f} s, not timed below)")
    # task next is slow (seconds to minutes): fewer runs. Not on a terminal, it lists
    # one page of tasks; `questlog prioritize --limit 25` is the like-for-like output.
    theirs = timed("task next", ["task", *flags, "next"], env, runs=3, warmup=1)
    for mine, what in ((ours, "all tasks"), (limited, "--limit 25")):
        for measure, k in (("min wall", 0), ("CPU", 1)):
            ratio = mine[k] / theirs[k]
            print(f"ratio questlog prioritize ({what}) / task next, {measure}: {ratio:.3f}x "
                  f"(task next takes {1 / ratio:.1f}x as long)")  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    work = Path(tempfile.mkdtemp(prefix="questlog-bench-"))
    os.chdir(ROOT)
    try:
        timed("python -c pass (interpreter floor)", [sys.executable, "-c", "pass"])
        tasks = make_export(n)
        # Taskwarrior is slow with dependencies; without them it is the harder comparison.
        plain = [{k: v for k, v in t.items() if k != "depends"} for t in tasks]
        compare("without dependencies", plain, work / "plain")
        compare("with dependencies", tasks, work / "deps")
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
