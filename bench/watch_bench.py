#!/usr/bin/env python3
"""Herald's filesystem watcher against `inotifywait -r` (inotify-tools), in the same run.

On a generated tree (default 50,000 directories, 450,000 files):
  * setup: from exec until every directory is watched (inotifywait prints "Watches established."
    on standard error; Herald logs "watching the media folders");
  * RSS once set up (VmRSS, and VmHWM as the peak);
  * Herald only: sustained throughput, files created per second that end up as journalled
    fs.created events (settle 1 s, subtracted), counted in the journal.
"""
import argparse, os, re, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, threading, time


def rss(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) / 1024
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def make_tree(root, directories, files_per_directory):
    per_level = int(directories ** 0.5) + 1
    made = 0
    for a in range(per_level):
        for b in range(per_level):
            if made >= directories:
                return
            path = f"{root}/show-{a:04d}/season-{b:04d}"
            os.makedirs(path, exist_ok=True)
            for f in range(files_per_directory):
                open(f"{path}/e{f:02d}.mkv", "w").close()
            made += 1


def wait_line(process, pattern, timeout=600):
    started = time.perf_counter()
    for line in process.stderr:
        if re.search(pattern, line):
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            break
    sys.exit(f"never saw {pattern!r}")


def wait_file_line(path, pattern, timeout=600):
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with open(path) as f:
            if re.search(pattern, f.read()):
                return time.perf_counter() - started
        time.sleep(0.005)
    sys.exit(f"never saw {pattern!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--directories", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--burst", type=int, default=20_000)
    parser.add_argument("--tree-parent", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where the watched tree is made (tmpfs by default: this machine's disk takes "
                             "0.6 s to 9 s for the same 20,000 creations, which would measure the disk)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="herald-watch-bench-")
    tree_work = tempfile.mkdtemp(prefix="herald-watch-tree-", dir=args.tree_parent)
    tree = f"{tree_work}/media"
    print(f"generating {args.directories} directories with {args.files} files each in {tree} ...", flush=True)
    make_tree(tree, args.directories, args.files)
    results = {"inotifywait": [], "herald": []}
    throughput = []
    peer_throughput = []
    for round_number in range(args.rounds):
        # inotifywait -r: recursive watches, then idle.
        started = time.perf_counter()
        peer = subprocess.Popen(["inotifywait", "-r", "-m", "-e", "close_write,moved_to,create", tree],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_line(peer, "Watches established")
        setup = time.perf_counter() - started
        results["inotifywait"].append((setup, *rss(peer.pid)))
        peer.terminate()
        peer.wait()

        state = f"{work}/state-{round_number}"
        config = f"{work}/herald-{round_number}.yml"
        with open(config, "w") as f:
            f.write(f"state_directory: {state}\nserver: {{host: 127.0.0.1, port: {free_port()}}}\n"
                    f"log: {{level: info}}\nwatch: {{roots: [\"{tree}\"], settle: 1s}}\n")
        started = time.perf_counter()
        # Herald logs to a file: an unread pipe would fill up and stall it.
        log_path = f"{work}/herald-{round_number}.log"
        log = open(log_path, "w")
        herald = subprocess.Popen([args.herald, "serve", "--config", config], stdout=subprocess.DEVNULL,
                                  stderr=log, text=True)
        wait_file_line(log_path, "watching the media folders")
        setup = time.perf_counter() - started
        results["herald"].append((setup, *rss(herald.pid)))

        # Sustained throughput: a burst of new files, counted in the journal once settled, with
        # inotifywait watching the same burst side by side (its close_write lines counted).
        burst = f"{tree}/burst-{round_number}"
        os.makedirs(burst)
        peer = subprocess.Popen(["inotifywait", "-m", "-e", "close_write", burst], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        wait_line(peer, "Watches established")
        peer_lines = []
        reader = threading.Thread(target=lambda: [peer_lines.append(time.perf_counter()) for _ in peer.stdout])
        reader.start()
        first = time.perf_counter()
        for index in range(args.burst):
            os.close(os.open(f"{burst}/f{index:06d}.mkv", os.O_CREAT | os.O_WRONLY, 0o644))
        wrote = time.perf_counter()
        database = f"{state}/herald.sqlite"
        count = 0
        while count < args.burst and time.perf_counter() - first < 300:
            time.sleep(0.05)
            try:
                with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
                    count = db.execute("SELECT COUNT(*) FROM event WHERE kind = 'fs.created'").fetchone()[0]
            except sqlite3.Error:
                pass
        done = time.perf_counter()
        rate = count / max(0.001, done - first - 1.0)
        throughput.append(rate)
        time.sleep(0.5)
        peer.terminate()
        reader.join(timeout=10)
        peer_rate = len(peer_lines) / max(0.001, (peer_lines[-1] if peer_lines else done) - first)
        peer_throughput.append(peer_rate)
        print(f"round {round_number + 1}: inotifywait setup {results['inotifywait'][-1][0]:.2f} s, "
              f"rss {results['inotifywait'][-1][1]:.1f} MiB; herald setup {results['herald'][-1][0]:.2f} s, "
              f"rss {results['herald'][-1][1]:.1f} MiB (peak {results['herald'][-1][2]:.1f}); "
              f"{count}/{args.burst} files journalled, written in {wrote - first:.2f} s, "
              f"{rate:.0f} files/s; inotifywait saw {len(peer_lines)} at {peer_rate:.0f} lines/s", flush=True)
        herald.terminate()
        herald.wait(timeout=60)
        log.close()
        overflows = open(log_path).read().count("inotify queue overflowed")
        if overflows:
            print(f"round {round_number + 1}: the kernel queue overflowed {overflows} time(s) (rescans)", flush=True)
        shutil.rmtree(burst, ignore_errors=True)

    def med(name, index):
        return statistics.median(r[index] for r in results[name])

    print()
    print(f"| measure (median of {args.rounds} rounds, {args.directories} directories, "
          f"{args.directories * args.files} files) | Herald | inotifywait -r | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| time until every directory is watched, s | {med('herald', 0):.2f} | {med('inotifywait', 0):.2f} | "
          f"{med('herald', 0) / med('inotifywait', 0):.2f}x |")
    print(f"| RSS once watching, MiB | {med('herald', 1):.1f} | {med('inotifywait', 1):.1f} | |")
    print(f"| peak RSS, MiB | {med('herald', 2):.1f} | {med('inotifywait', 2):.1f} | |")
    print(f"| new files per second ({args.burst}-file burst; Herald: journalled, settle excluded; "
          f"inotifywait: lines printed) | {statistics.median(throughput):.0f} | "
          f"{statistics.median(peer_throughput):.0f} | "
          f"{statistics.median(throughput) / statistics.median(peer_throughput):.2f}x |")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(tree_work, ignore_errors=True)


if __name__ == "__main__":
    main()
