#!/usr/bin/env python3
"""Herald ingest benchmark against adnanh/webhook, in the same run on the same machine.

Measures, for each server, over several alternating rounds:
  * throughput: wrk posting the Sonarr v4 download fixture as fast as it can, at each of several
    connection counts (16 to 256 by default): a closed loop of N connections measures a server's
    capacity only once N hides its answer latency, and that N differs between a server that answers
    from memory (webhook) and one that answers after an fsync (Herald, group commit). The table
    gives each count side by side, and each server at its best count, as peak-throughput
    comparisons do;
  * latency at a steady 1,000 requests/s: hey, 20 workers x 50 req/s, p50/p99, measured twice: on the
    freshly started server, and again right after the throughput flood (Herald is then still copying
    the flood's write-ahead log into the database in the background);
  * CPU per request at each count: the server process's user + system time over the wrk run
    divided by the requests it answered (wrk shares the two cores, so this separates how much
    each server spends per webhook from how busy the machine was);
  * idle resident memory (VmRSS) after start, and after the load;
  * start to ready: from exec until /readyz (Herald) or the hook (webhook) answers 200.
Both servers authenticate every request: Herald's sonarr source has a username and password, and
every request carries them (HTTP Basic, as Sonarr sends them); webhook's trigger rule checks the
same Authorization header before anything else.
Herald runs with journal.synchronous=full: every acknowledged webhook is fsynced (group commit);
--synchronous normal measures the setting that survives a crash of Herald but not a power loss.
webhook parses the same JSON and evaluates one trigger rule that does not match (no command runs).
Every number is a median over the rounds; machines here are noisy.
"""
import argparse, base64, http.client, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

FIXTURE = "samples/payloads/sonarr-v4-download.json"
AUTHORIZATION = "Basic " + base64.b64encode(b"sonarr:bench-secret").decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(port, path, method="GET", body=None):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        headers = {"Content-Type": "application/json", "Authorization": AUTHORIZATION} if body else {}
        c.request(method, path, body=body, headers=headers)
        status = c.getresponse().status
        c.close()
        return status
    except OSError:
        return None


def rss_mib(pid, *fields):
    """The named memory fields of /proc/PID/status (VmRSS, RssAnon, ...), in MiB, from one read of it."""
    values = dict.fromkeys(fields, 0)
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name = line.split(":", 1)[0]
            if name in values:
                values[name] = int(line.split()[1]) / 1024
    return tuple(values[name] for name in fields)


def cpu_seconds(pid):
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, name, argv, ready_path, ready_method, port, cwd):
        self.name, self.argv, self.ready_path, self.ready_method = name, argv, ready_path, ready_method
        self.port, self.cwd, self.proc = port, cwd, None

    def start(self):
        body = open(FIXTURE, "rb").read() if self.ready_method == "POST" else None
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            if get_status(self.port, self.ready_path, self.ready_method, body) == 200:
                return (time.perf_counter() - started) * 1000
            if self.proc.poll() is not None:
                sys.exit(f"{self.name} exited early")
            time.sleep(0.001)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def wrk(port, path, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", "bench/post.lua", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
        env={**os.environ, "BODY_FILE": FIXTURE, "AUTHORIZATION": AUTHORIZATION}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, requests, int(errors.group(1)) if errors else 0


def hey(port, path, seconds):
    out = subprocess.run(
        ["hey", "-z", f"{seconds}s", "-c", "20", "-q", "50", "-m", "POST", "-T", "application/json", "-D", FIXTURE,
         "-H", f"Authorization: {AUTHORIZATION}",
         f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", out).group(1)) * 1000
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", out).group(1)) * 1000
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    codes = dict(re.findall(r"\[(\d+)\]\s+(\d+) responses", out))
    return p50, p99, rate, codes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full",
                        help="Herald's journal.synchronous: full fsyncs every commit (the default and the "
                             "benchmark's setting); normal survives a crash of Herald but not a power loss")
    parser.add_argument("--connections", default="16,32,64,128,256",
                        help="comma-separated wrk connection counts for the throughput runs")
    args = parser.parse_args()
    counts = [int(c) for c in args.connections.split(",")]
    work = tempfile.mkdtemp(prefix="herald-bench-")
    herald_port, webhook_port = free_port(), free_port()
    with open(f"{work}/herald.yml", "w") as f:
        f.write(f"state_directory: {work}/state\nserver: {{host: 127.0.0.1, port: {herald_port}}}\n"
                f"log: {{level: warning}}\njournal: {{synchronous: {args.synchronous}}}\n"
                "sources: {sonarr: {username: sonarr, password: bench-secret}}\n")
    with open(f"{work}/hooks.json", "w") as f:
        json.dump([{
            "id": "sonarr", "execute-command": "/bin/true", "response-message": "ok",
            "trigger-rule-mismatch-http-response-code": 200,
            "trigger-rule": {"and": [
                {"match": {"type": "value", "value": AUTHORIZATION,
                           "parameter": {"source": "header", "name": "Authorization"}}},
                {"match": {"type": "value", "value": "NeverMatches",
                           "parameter": {"source": "payload", "name": "eventType"}}},
            ]},
        }], f)
    herald = Server("herald", [os.path.abspath(args.herald), "serve", "--config", f"{work}/herald.yml"],
                    "/readyz", "GET", herald_port, work)
    webhook = Server("webhook", ["webhook", "-hooks", f"{work}/hooks.json", "-ip", "127.0.0.1",
                                 "-port", str(webhook_port)], "/hooks/sonarr", "POST", webhook_port, work)
    paths = {"herald": "/hooks/sonarr", "webhook": "/hooks/sonarr"}
    results = {s.name: {"ready_ms": [], "idle_rss": [], "errors": [], "p50": [], "p99": [],
                        "steady_rate": [], "loaded_rss": [], "p99_after": []} for s in (herald, webhook)}
    sweep = {s.name: {c: [] for c in counts} for s in (herald, webhook)}
    cpu = {s.name: {c: [] for c in counts} for s in (herald, webhook)}
    for round_number in range(args.rounds):
        for server in (herald, webhook) if round_number % 2 == 0 else (webhook, herald):
            r = results[server.name]
            r["ready_ms"].append(server.start())
            time.sleep(2)
            r["idle_rss"].append(rss_mib(server.proc.pid, "VmRSS")[0])
            p50, p99, rate, codes = hey(server.port, paths[server.name], args.seconds)
            r["p50"].append(p50)
            r["p99"].append(p99)
            r["steady_rate"].append(rate)
            errors = 0
            for connections in counts:
                before = cpu_seconds(server.proc.pid)
                rps, requests, failed = wrk(server.port, paths[server.name], args.seconds, connections)
                cpu[server.name][connections].append((cpu_seconds(server.proc.pid) - before) / requests * 1e6)
                sweep[server.name][connections].append(rps)
                errors += failed
            r["errors"].append(errors)
            r["p99_after"].append(hey(server.port, paths[server.name], args.seconds)[1])
            loaded, anon, mapped = rss_mib(server.proc.pid, "VmRSS", "RssAnon", "RssFile")
            r["loaded_rss"].append(loaded)
            server.stop()
            rates = ", ".join(f"c{c} {sweep[server.name][c][-1]:.0f} ({cpu[server.name][c][-1]:.1f} µs)" for c in counts)
            print(f"round {round_number + 1} {server.name}: req/s (CPU per request) {rates}; p99 {p99:.2f} ms at {rate:.0f} req/s, "
                  f"p99 after flood {r['p99_after'][-1]:.2f} ms, RSS after the load {r['loaded_rss'][-1]:.1f} MiB "
                  f"({anon:.1f} anonymous, {mapped:.1f} file-backed), idle {r['idle_rss'][-1]:.1f} MiB, "
                  f"ready {r['ready_ms'][-1]:.0f} ms, responses {codes}", flush=True)
    journalled = subprocess.run([os.path.abspath(args.herald), "events", "--config", f"{work}/herald.yml",
                                 "--limit", "1"], capture_output=True, text=True).stdout.split("#")[1].split()[0]
    med = {name: {k: statistics.median(v) for k, v in r.items()} for name, r in results.items()}
    h, w = med["herald"], med["webhook"]
    print()
    print("| measure (median of %d rounds) | Herald | webhook 2.8.0 | ratio |" % args.rounds)
    print("| --- | ---: | ---: | ---: |")
    rate = {name: {c: statistics.median(v) for c, v in by_count.items()} for name, by_count in sweep.items()}
    for c in counts:
        hr, wr = rate["herald"][c], rate["webhook"][c]
        print(f"| throughput, wrk -t2 -c{c}, req/s | {hr:.0f} | {wr:.0f} | {hr / wr:.2f}x |")
    best = {name: max(by_count, key=by_count.get) for name, by_count in rate.items()}
    hb, wb = rate["herald"][best["herald"]], rate["webhook"][best["webhook"]]
    print(f"| **throughput, each at its best count** (Herald c{best['herald']}, webhook c{best['webhook']}), req/s "
          f"| **{hb:.0f}** | **{wb:.0f}** | **{hb / wb:.2f}x** |")
    for c in counts:
        hc, wc = (statistics.median(cpu[name][c]) for name in ("herald", "webhook"))
        print(f"| server CPU per request, wrk -t2 -c{c}, µs | {hc:.1f} | {wc:.1f} | {hc / wc:.2f}x |")
    print(f"| p50 latency at steady ~1,000 req/s, ms | {h['p50']:.2f} | {w['p50']:.2f} | |")
    print(f"| p99 latency at steady ~1,000 req/s, ms | {h['p99']:.2f} | {w['p99']:.2f} | |")
    print(f"| p99 latency at steady ~1,000 req/s right after the flood, ms | {h['p99_after']:.2f} | {w['p99_after']:.2f} | |")
    print(f"| achieved steady rate, req/s | {h['steady_rate']:.0f} | {w['steady_rate']:.0f} | |")
    print(f"| idle RSS after start, MiB | {h['idle_rss']:.1f} | {w['idle_rss']:.1f} | |")
    print(f"| RSS after the load, MiB | {h['loaded_rss']:.1f} | {w['loaded_rss']:.1f} | |")
    print(f"| start to ready, ms | {h['ready_ms']:.0f} | {w['ready_ms']:.0f} | |")
    print(f"| non-2xx responses under wrk (all counts) | {h['errors']:.0f} | {w['errors']:.0f} | |")
    print(f"\nHerald journalled {journalled} events in this run (last sequence number; journal.synchronous: {args.synchronous}).")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
