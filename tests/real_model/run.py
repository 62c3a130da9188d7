#!/usr/bin/env python3
"""Runs the everyday sentences of sentences.json through the real plugin against
real OpenAI-compatible servers (llama.cpp's llama-server and llama-cpp-python's
server) serving a real local model, on loopback, with the sandbox cluster.

Started by .ci/real-model, which installs and builds everything first. Standard
library only. For each server: what it answers to `response_format`
json_schema and json_object (a direct probe), then one line per sentence
(sentence, plan, right/wrong/refused/failed, model calls, seconds) and
`N passed, M failed`, where passed counts sentences whose plan is right.
"""

import argparse
import http.client
import http.server
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_NAME = "qwen2.5-coder-1.5b-instruct"

# Operations that act on the cluster or the kubeconfig, not in a namespace.
CLUSTER_OPS = {
    "create_namespace", "cordon", "uncordon", "drain", "taint", "use_context",
    "contexts", "api_resources", "explain",
}
KIND_ALIASES = {
    "po": "pod", "pods": "pod", "svc": "service", "services": "service",
    "deploy": "deployment", "deployments": "deployment", "cm": "configmap",
    "configmaps": "configmap", "no": "node", "nodes": "node", "ns": "namespace",
    "namespaces": "namespace", "sts": "statefulset", "statefulsets": "statefulset",
    "ds": "daemonset", "daemonsets": "daemonset", "secrets": "secret",
}


def log(msg):
    print(f"[real-model] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, body, timeout):
    """POSTs JSON; returns (status, text). Never raises for an HTTP status."""
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return None, f"{type(e).__name__}: {e}"


# ---------------------------------------------------------------- processes


class Proc:
    def __init__(self, name, argv, logfile, env=None):
        self.name = name
        self.logfile = logfile
        self.log = open(logfile, "ab")
        self.p = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.log.close()

    def tail(self, n=20):
        with open(self.logfile, errors="replace") as f:
            return "".join(f.readlines()[-n:])


class CountingProxy:
    """A pass-through HTTP proxy on loopback in front of a model server: it counts
    the plugin's model calls and records, per call, its response_format, status,
    duration, token usage and (for an error) the server's own words. When the
    plugin hangs up (its timeout), the proxy hangs up on the server too, as the
    plugin would have without it, so the server stops generating."""

    def __init__(self, upstream_port):
        self.calls = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.forward(None)

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                self.forward(self.rfile.read(length))

            def forward(self, body):
                started = time.time()
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=3600)
                headers = {"content-type": "application/json"} if body is not None else {}
                result = {}

                def call():
                    try:
                        conn.request(self.command, self.path, body=body, headers=headers)
                        r = conn.getresponse()
                        result["status"], result["body"] = r.status, r.read()
                        result["type"] = r.getheader("content-type", "application/json")
                    except Exception as e:  # noqa: BLE001 - reported below
                        result["error"] = e

                t = threading.Thread(target=call, daemon=True)
                t.start()
                gone = False
                while t.is_alive():
                    t.join(0.2)
                    readable, _, _ = select.select([self.connection], [], [], 0)
                    if readable and t.is_alive():
                        try:
                            peek = self.connection.recv(1, socket.MSG_PEEK)
                        except OSError:
                            peek = b""
                        if not peek:
                            gone = True
                            try:
                                conn.sock.shutdown(socket.SHUT_RDWR)
                            except Exception:  # noqa: BLE001 - already closed
                                pass
                            conn.close()
                            break
                if body is not None:
                    proxy.record(body, result, time.time() - started, gone)
                if gone:
                    self.close_connection = True
                    return
                if "error" in result:
                    payload = str(result["error"]).encode()
                    self.send_response(502)
                    self.send_header("content-type", "text/plain")
                else:
                    payload = result["body"]
                    self.send_response(result["status"])
                    self.send_header("content-type", result["type"])
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def record(self, body, result, seconds, gone):
        try:
            req = json.loads(body)
        except ValueError:
            req = {}
        rf = req.get("response_format") or {}
        entry = {"response_format": rf.get("type"), "seconds": round(seconds, 1),
                 "status": result.get("status"), "hung_up": gone}
        text = (result.get("body") or b"").decode(errors="replace")
        if result.get("status") == 200:
            try:
                doc = json.loads(text)
                entry["prompt_tokens"] = doc["usage"]["prompt_tokens"]
                entry["completion_tokens"] = doc["usage"]["completion_tokens"]
                entry["finish_reason"] = doc["choices"][0].get("finish_reason")
            except Exception:  # noqa: BLE001 - not every server reports usage
                pass
        elif "error" in result:
            entry["error"] = str(result["error"])
        elif result:
            entry["error"] = text[:600]
        with self.lock:
            self.calls.append(entry)

    def take(self):
        with self.lock:
            calls, self.calls = self.calls, []
        return calls

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def start_sandbox(binary, workdir):
    kubeconfig = os.path.join(workdir, "kubeconfig")
    p = subprocess.Popen(
        [binary, "--kubeconfig", kubeconfig, "--scenario", "healthy"],
        stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, "sandbox.log"), "wb"),
        start_new_session=True, text=True,
    )
    line = p.stdout.readline()
    if not line.startswith("ready "):
        raise SystemExit(f"kube-sandbox did not start: {line!r}")
    return p, kubeconfig


SERVERS = {
    "llama-server": lambda cache, model, port: [
        os.path.join(cache, "bin", "llama-server"), "-m", model, "--host", "127.0.0.1",
        "--port", str(port), "-t", "2", "-c", "8192", "-np", "1", "--alias", MODEL_NAME,
    ],
    "llama-cpp-python": lambda cache, model, port: [
        os.path.join(cache, "venv", "bin", "python"), "-m", "llama_cpp.server",
        "--model", model, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "8192", "--n_threads", "2", "--model_alias", MODEL_NAME,
    ],
}


def start_server(name, cache, model, workdir):
    port = free_port()
    logfile = os.path.join(workdir, f"{name}.log")
    proc = Proc(name, SERVERS[name](cache, model, port), logfile)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 300
    while time.time() < deadline:
        if not proc.alive():
            raise SystemExit(f"{name} exited at start:\n{proc.tail()}")
        try:
            with urllib.request.urlopen(f"{base}/models", timeout=5) as r:
                if r.status == 200:
                    return proc, base, port
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.5)
    proc.stop()
    raise SystemExit(f"{name} did not answer /v1/models within 300 s:\n{proc.tail()}")


def probe(base):
    """What the server answers to each response_format, straight, with a tiny request."""
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": False,
    }
    formats = {
        "json_schema": {"type": "json_schema",
                        "json_schema": {"name": "probe", "strict": True, "schema": schema}},
        "json_object": {"type": "json_object"},
    }
    out = {}
    for label, rf in formats.items():
        body = {
            "model": MODEL_NAME,
            "messages": [{"role": "user", "content": 'Answer {"ok": true} as JSON.'}],
            "response_format": rf,
            "max_tokens": 16,
            "temperature": 0,
        }
        started = time.time()
        status, text = post(f"{base}/chat/completions", body, 300)
        answer = text
        try:
            answer = json.loads(text)["choices"][0]["message"]["content"]
        except Exception:  # noqa: BLE001 - keep the raw text
            pass
        out[label] = {"status": status, "answer": answer[:400],
                      "seconds": round(time.time() - started, 1)}
    return out


# ---------------------------------------------------------------- judging


def norm_kind(k):
    if not isinstance(k, str):
        return k
    k = k.lower()
    return KIND_ALIASES.get(k, k)


def empty(v):
    return v is None or v is False or v == [] or v == {} or v == ""


def clean(v):
    """Drops empty fields, recursively, so that null/false/[] mean 'left out'."""
    if isinstance(v, dict):
        out = {k: clean(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if not empty(x)}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v


def norm_op(op, default_ns):
    op = clean(op)
    if op.get("op") in CLUSTER_OPS or (op.get("op") == "top" and op.get("resource") == "nodes"):
        op.pop("namespace", None)
    elif not op.get("all_namespaces"):
        op.setdefault("namespace", default_ns)
    if "kind" in op:
        op["kind"] = norm_kind(op["kind"])
    if "kinds" in op and isinstance(op["kinds"], list):
        op["kinds"] = [norm_kind(k) for k in op["kinds"]]
    return op


def field_ok(want, got):
    """`"*"` accepts anything; `{"one_of": [...]}` lists accepted values (compared
    literally: `"*"` there is kubectl's "every container"), null meaning left out."""
    if want == "*":
        return True
    if isinstance(want, dict) and set(want) == {"one_of"}:
        return any(clean(w) == got if w is not None else got is None for w in want["one_of"])
    if want is None:
        return got is None
    return clean(want) == got


def op_matches(want, got, default_ns):
    one_ofs = {k: v for k, v in want.items() if isinstance(v, dict) and set(v) == {"one_of"}}
    stars = {k for k, v in want.items() if v == "*"}
    plain = {k: v for k, v in want.items() if k not in one_ofs and k not in stars}
    want_n = norm_op(plain, default_ns)
    got_n = norm_op(got, default_ns)
    for k in set(want_n) | set(got_n):
        if k in stars:
            continue
        if k in one_ofs:
            if not field_ok(one_ofs[k], got_n.get(k)):
                return False
            continue
        if not field_ok(want_n.get(k), got_n.get(k)):
            return False
    for k, w in one_ofs.items():
        if k not in got_n and not field_ok(w, None):
            return False
    return True


def plan_right(plans, ops, default_ns="default"):
    for plan in plans:
        if len(plan) == len(ops) and all(op_matches(w, g, default_ns) for w, g in zip(plan, ops)):
            return True
    return False


def short_op(op):
    op = clean(op)
    name = op.pop("op", "?")
    parts = []
    for k, v in op.items():
        if k in ("kind",) and v == "deployment":
            continue
        parts.append(f"{k}={json.dumps(v, separators=(',', ':'))}")
    return f"{name}(" + " ".join(parts) + ")"


# ---------------------------------------------------------------- running


def run_sentence(plugin, env, item, workdir, index, proxy):
    plan_file = os.path.join(workdir, f"plan-{index}.json")
    if os.path.exists(plan_file):
        os.remove(plan_file)
    proxy.take()
    started = time.time()
    p = subprocess.run(
        [plugin, "--model", MODEL_NAME, "--dry-run", "--json", "--save-plan", plan_file,
         item["sentence"]],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    seconds = time.time() - started
    time.sleep(0.3)  # a hung-up call is recorded just after
    calls = proxy.take()
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = {}
    ops = None
    if os.path.exists(plan_file):
        with open(plan_file) as f:
            ops = json.load(f).get("operations")
    elif doc.get("operations"):
        ops = [o["operation"] for o in doc["operations"]]
    usage = doc.get("usage") or {}
    error = doc.get("error") or ""
    if ops is not None:
        verdict = "right" if plan_right(item["plans"], ops) else "wrong"
        plan = "; ".join(short_op(o) for o in ops)
        note = error.splitlines()[0] if error else ""
        if not note and p.returncode != 0:
            failing = [o for o in doc.get("operations", []) if o.get("status") == "failed"]
            text = (failing[0].get("stderr") or "") if failing else ""
            note = (text.strip().splitlines() or [f"exit {p.returncode}"])[0]
    elif doc.get("kind") == "diagnose" or "diagnose" in str(doc.get("schema", "")):
        verdict, plan, note = "wrong", "diagnose", ""
    elif "needs more detail" in error or "not something kubectl ai can do" in error:
        verdict, plan, note = "refused", "-", error.splitlines()[0]
    else:
        verdict, plan = "failed", "-"
        note = (error or p.stderr.strip() or f"exit {p.returncode}").splitlines()[0]
    return {
        "sentence": item["sentence"], "verdict": verdict, "plan": plan, "note": note,
        "calls": len(calls), "call_log": calls, "seconds": round(seconds, 1),
        "exit_code": p.returncode,
        "prompt_tokens": usage.get("prompt_tokens"),
        "completion_tokens": usage.get("completion_tokens"),
        "stderr": p.stderr[-2000:],
    }


def clip(s, n):
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def end_on_signal(signum, _frame):
    # SIGTERM/SIGHUP end the run like Ctrl-C: the `finally` below stops the
    # servers and the sandbox (they run in their own sessions and would outlive us).
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, end_on_signal)
    signal.signal(signal.SIGHUP, end_on_signal)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", required=True)
    ap.add_argument("--model-file", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--servers", default="llama-server,llama-cpp-python")
    ap.add_argument("--only", type=int, default=0, help="run only the first N sentences")
    ap.add_argument("--sentences", default=os.path.join(HERE, "sentences.json"),
                    help="the sentences and their right plans (default: sentences.json; "
                         "heldout.json holds phrasings the prompt was never tuned on)")
    ap.add_argument("--out", required=True, help="results JSON file")
    ap.add_argument("--budget", type=float, default=0,
                    help="seconds per server after which no further sentence is started "
                         "(the rest are skipped and said so); 0 for none")
    ap.add_argument("--min-pass", type=int, default=15,
                    help="exit 1 when a server gets fewer sentences right, or any wrong")
    args = ap.parse_args()

    with open(args.sentences) as f:
        sentences = json.load(f)["sentences"]
    if args.only:
        sentences = sentences[: args.only]
    servers = [s for s in args.servers.split(",") if s]
    for s in servers:
        if s not in SERVERS:
            raise SystemExit(f"unknown server {s!r}; known: {', '.join(SERVERS)}")

    workdir = tempfile.mkdtemp(prefix="real-model-")
    home = os.path.join(workdir, "home")
    os.makedirs(home)
    sandbox, kubeconfig = start_sandbox(args.sandbox, workdir)
    procs = []
    results = {"servers": {}}
    failed_total = 0
    skipped_total = 0
    short = []
    try:
        for name in servers:
            t0 = time.time()
            proc, base, port = start_server(name, args.cache, args.model_file, workdir)
            procs.append(proc)
            log(f"{name} ready at {base} after {time.time() - t0:.1f} s")
            probes = probe(base)
            proxy = CountingProxy(port)
            env = {
                "PATH": os.environ["PATH"], "HOME": home, "KUBECONFIG": kubeconfig,
                "KUBECACHEDIR": os.path.join(home, "cache"), "NO_COLOR": "1",
                "OPENAI_BASE_URL": f"http://127.0.0.1:{proxy.port}/v1",
            }
            for var in ("KUBECTL_AI_MODEL_TIMEOUT", "RUST_LOG"):
                if os.environ.get(var):
                    env[var] = os.environ[var]
            print(f"\n## {name}\n")
            for label, pr in probes.items():
                print(f"response_format {label}: HTTP {pr['status']} in {pr['seconds']} s: "
                      f"{clip(pr['answer'], 300)}")
            print()
            print(f"{'#':>2}  {'verdict':7}  {'calls':>5}  {'secs':>6}  sentence  =>  plan / note")
            rows = []
            run_started = time.time()
            for i, item in enumerate(sentences, 1):
                if args.budget and time.time() - run_started > args.budget:
                    print(f"{i:>2}  skipped  (the --budget of {args.budget:.0f} s is spent)  "
                          f"{item['sentence']}")
                    continue
                r = run_sentence(args.plugin, env, item, workdir, i, proxy)
                rows.append(r)
                shown = r["plan"] if r["plan"] != "-" else r["note"]
                extra = f"  [{clip(r['note'], 120)}]" if r["plan"] != "-" and r["note"] else ""
                print(f"{i:>2}  {r['verdict']:7}  {r['calls']:>5}  {r['seconds']:>6.1f}  "
                      f"{r['sentence']}  =>  {clip(shown, 160)}{extra}", flush=True)
                if not proc.alive():
                    log(f"{name} died:\n{proc.tail()}")
                    break
            passed = sum(r["verdict"] == "right" for r in rows)
            failed = len(rows) - passed
            skipped = len(sentences) - len(rows)
            skipped_total += skipped
            failed_total += failed
            calls = sum(r["calls"] for r in rows)
            secs = [r["seconds"] for r in rows]
            all_calls = [c for r in rows for c in r["call_log"]]
            per_call = [c["seconds"] for c in all_calls]
            comp = [c["completion_tokens"] for c in all_calls if c.get("completion_tokens")]
            prompt = [c["prompt_tokens"] for c in all_calls if c.get("prompt_tokens")]
            summary = {
                "passed": passed, "failed": failed, "skipped": skipped,
                "verdicts": {v: sum(r["verdict"] == v for r in rows)
                             for v in ("right", "wrong", "refused", "failed")},
                "calls": calls, "seconds_total": round(sum(secs), 1),
                "median_seconds_per_sentence": round(statistics.median(secs), 1) if secs else None,
                "median_seconds_per_call": round(statistics.median(per_call), 1) if per_call else None,
                "median_completion_tokens": statistics.median(comp) if comp else None,
                "median_prompt_tokens": statistics.median(prompt) if prompt else None,
                "max_seconds_per_call": max(per_call) if per_call else None,
                "calls_hung_up": sum(c["hung_up"] for c in all_calls),
                "call_statuses": {str(k): sum(c["status"] == k for c in all_calls)
                                  for k in sorted({c["status"] for c in all_calls}, key=str)},
                "response_formats": sorted({str(c["response_format"]) for c in all_calls}),
            }
            errors = sorted({c["error"] for c in all_calls if c.get("error")})
            print(f"\n{name}: {summary['verdicts']}; {calls} calls; "
                  f"median {summary['median_seconds_per_call']} s per call, "
                  f"{summary['median_seconds_per_sentence']} s per sentence; "
                  f"{summary['seconds_total']} s in all")
            print(f"{name}: median {summary['median_prompt_tokens']} prompt and "
                  f"{summary['median_completion_tokens']} completion tokens per call; "
                  f"HTTP statuses {summary['call_statuses']}; "
                  f"{summary['calls_hung_up']} calls abandoned by the plugin (its timeout)")
            for e in errors[:5]:
                print(f"{name} answered: {clip(e, 400)}")
            print(f"{name}: {passed} passed, {failed} failed"
                  + (f", {skipped} skipped" if skipped else ""))
            if passed < min(args.min_pass, len(sentences)) or summary["verdicts"]["wrong"] or skipped:
                short.append(name)
            results["servers"][name] = {"probe": probes, "summary": summary, "rows": rows}
            proxy.stop()
            proc.stop()
            procs.remove(proc)
    finally:
        for proc in procs:
            proc.stop()
        os.killpg(sandbox.pid, signal.SIGTERM)
        sandbox.wait()
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
        keep = os.environ.get("REAL_MODEL_KEEP")
        if keep:
            log(f"work files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    total = len(sentences) * len(servers) - skipped_total
    print(f"\nreal-model: {total - failed_total} passed, {failed_total} failed"
          + (f", {skipped_total} skipped" if skipped_total else ""))
    if short:
        log(f"below the bar (at least {args.min_pass} right and none wrong): {', '.join(short)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
