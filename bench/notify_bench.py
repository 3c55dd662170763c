#!/usr/bin/env python3
"""Notification fan-out: Herald's durable outbox against Apprise, in the same run, same receiver.

Each round:
  * Herald: a generic webhook event per message, a rule sending it to 20 `json://` channels (one
    per receiver port); journal.synchronous=full, so every event and outbox row is fsynced. Timed
    from the first POST until the receiver has every message; messages/s = events x 20 / seconds.
  * Herald killed: the same, but SIGKILL once 40 % have arrived, restart on the same state, and
    count what the receiver has in the end: every (channel, message) pair must be there.
  * Apprise (PyPI): `Apprise.notify()` with the same 20 `json://` URLs, message after message
    (Apprise fans each one out to its 20 URLs concurrently). messages/s = messages x 20 / seconds.
Medians over the rounds are printed as a Markdown table.
"""
import argparse, http.client, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stats(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/stats")
    data = json.loads(connection.getresponse().read())
    connection.close()
    return data


def reset(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/reset")
    connection.getresponse().read()
    connection.close()


def wait_for(port, target, timeout=300):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if stats(port)["unique"] >= target:
            return True
        time.sleep(0.01)
    return False


class Herald:
    def __init__(self, binary, ports, workdir):
        self.binary, self.workdir, self.port = binary, workdir, free_port()
        os.makedirs(f"{workdir}/rules", exist_ok=True)
        channels = "\n".join(f"    c{i}: json://127.0.0.1:{p}/hook" for i, p in enumerate(ports))
        names = ", ".join(f"c{i}" for i in range(len(ports)))
        with open(f"{workdir}/herald.yml", "w") as f:
            f.write(f"state_directory: {workdir}/state\nserver: {{host: 127.0.0.1, port: {self.port}}}\n"
                    f"log: {{level: warning}}\nsources:\n  generic:\n    bench: {{}}\n"
                    f"notifications:\n  channels:\n{channels}\n")
        with open(f"{workdir}/rules/bench.yml", "w") as f:
            f.write(f"- name: fan out\n  on: [generic.bench]\n  do:\n    - notify: {{to: [{names}]}}\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--config", f"{self.workdir}/herald.yml"],
                                     stdout=subprocess.DEVNULL, stderr=open(f"{self.workdir}/herald.log", "a"))
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                sys.exit("herald exited early; see " + self.workdir + "/herald.log")
            time.sleep(0.01)

    def post(self, count, senders=8):
        """Posts `count` events over `senders` concurrent connections (webhooks arrive concurrently)."""
        import threading
        threads = [threading.Thread(target=self.post_range, args=(range(i, count, senders),)) for i in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def post_range(self, indices):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for index in indices:
            body = json.dumps({"title": f"message {index}", "body": "x" * 200})
            connection.request("POST", "/hooks/generic/bench", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            assert response.status == 202, response.status
        connection.close()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_herald(binary, ports, events, kill_at=None):
    workdir = tempfile.mkdtemp(prefix="herald-notify-bench-")
    herald = Herald(binary, ports, workdir)
    herald.start()
    reset(ports[0])
    total = events * len(ports)
    started = time.perf_counter()
    herald.post(events)
    if kill_at is not None:
        while stats(ports[0])["unique"] < total * kill_at:
            time.sleep(0.002)
        herald.kill()
        herald.start()
    complete = wait_for(ports[0], total)
    elapsed = time.perf_counter() - started
    result = stats(ports[0])
    herald.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    return total / elapsed, complete, result


def run_apprise(ports, messages):
    import apprise
    notifier = apprise.Apprise()
    for port in ports:
        notifier.add(f"json://127.0.0.1:{port}/hook")
    reset(ports[0])
    started = time.perf_counter()
    for index in range(messages):
        notifier.notify(title=f"message {index}", body="x" * 200)
    total = messages * len(ports)
    complete = stats(ports[0])["requests"] >= total
    return total / (time.perf_counter() - started), complete


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, default=1000, help="Herald events per round (x20 messages)")
    parser.add_argument("--apprise-messages", type=int, default=150, help="Apprise messages per round (x20)")
    args = parser.parse_args()
    receiver = subprocess.Popen([sys.executable, "bench/notify_receiver.py", "20"], stdout=subprocess.PIPE, text=True)
    ports = [int(p) for p in receiver.stdout.readline().split()[1:]]
    herald_rates, apprise_rates, kill_rates, kill_results = [], [], [], []
    try:
        for round_number in range(args.rounds):
            rate, complete, _ = run_herald(args.herald, ports, args.events)
            herald_rates.append(rate)
            print(f"round {round_number + 1}: herald {rate:,.0f} msg/s (complete: {complete})", file=sys.stderr)
            rate, complete = run_apprise(ports, args.apprise_messages)
            apprise_rates.append(rate)
            print(f"round {round_number + 1}: apprise {rate:,.0f} msg/s (complete: {complete})", file=sys.stderr)
            rate, complete, result = run_herald(args.herald, ports, args.events, kill_at=0.4)
            kill_rates.append(rate)
            kill_results.append((complete, result))
            print(f"round {round_number + 1}: herald killed at 40 %: {rate:,.0f} msg/s, complete: {complete}, "
                  f"{result}", file=sys.stderr)
    finally:
        receiver.terminate()
    herald = statistics.median(herald_rates)
    apprise_rate = statistics.median(apprise_rates)
    total = args.events * 20
    lost = [total - r["unique"] for _, r in kill_results]
    duplicates = [r["duplicates"] for _, r in kill_results]
    print("| measure | Herald (durable outbox) | Apprise 2.2.0 | ratio |")
    print("|---|---|---|---|")
    print(f"| messages/s to 20 JSON endpoints (median of {args.rounds}) | {herald:,.0f} | {apprise_rate:,.0f} | "
          f"{herald / apprise_rate:.1f}x |")
    print(f"| messages/s with a SIGKILL at 40 % and a restart | {statistics.median(kill_rates):,.0f} | — | — |")
    print(f"| messages lost after SIGKILL (per round) | {lost} of {total} | — | — |")
    print(f"| messages sent twice after SIGKILL (per round) | {duplicates} | — | — |")


if __name__ == "__main__":
    main()
