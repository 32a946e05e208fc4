"""CPU time from the OS: what the server spent per request, and what the load generator used.

Throughput depends on how hard a server is pushed and by what; CPU seconds per request do not,
so they are the figure that survives a load generator running out of CPU before the server.
"""

import resource
from pathlib import Path

import psutil


def tree_processes(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    """User + system CPU seconds of a process and of each of its descendants, by pid."""
    seconds = {}
    for process in tree_processes(pid):
        try:
            times = process.cpu_times()
        except psutil.Error:  # it exited between the listing and the reading
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


def tree_demand_seconds(pid: int) -> dict[int, float]:
    """Seconds each process of a tree ran or waited in the run queue (Linux schedstat).

    What a process wanted of the CPU, whether or not it got it: on a machine shared with
    other work, a side that wanted its cores all the time was the bottleneck even if it only
    got part of them.
    """
    seconds = {}
    for process in tree_processes(pid):
        try:
            threads = list(Path(f"/proc/{process.pid}/task").iterdir())
            stats = [(thread / "schedstat").read_text().split() for thread in threads]
        except OSError:  # it exited between the listing and the reading
            continue
        seconds[process.pid] = sum(int(ran) + int(waited) for ran, waited, _ in stats) / 1e9
    return seconds


def cpu_seconds_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds a process tree spent between two readings (a process born between counts
    whole), so the master and every worker are summed and nothing before ``before`` counts."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def reaped_children_cpu_seconds() -> float:
    """CPU seconds of every child this process has waited for, and of their reaped children.

    Read before and after a load generator runs, the difference is exactly what it used, its
    start-up and shutdown included, which polling cannot see once the process is gone.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def core_times() -> list:
    """Per-core CPU times of the whole machine, every process included."""
    return psutil.cpu_times(percpu=True)


def cores_busy_share(before: list, after: list, cpus: tuple[int, ...] | None) -> float:
    """How busy the cores were between two readings, with anyone's work: on a shared machine,
    what the server or load generator did not use may have gone to other processes."""
    busy = total = 0.0
    for cpu in cpus or range(len(after)):
        elapsed = sum(after[cpu]) - sum(before[cpu])
        idle = (after[cpu].idle + after[cpu].iowait) - (before[cpu].idle + before[cpu].iowait)
        busy, total = busy + elapsed - idle, total + elapsed
    return busy / total if total else 0.0
