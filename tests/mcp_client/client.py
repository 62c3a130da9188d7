"""Drives `kubectl ai mcp` with the official MCP Python SDK (`mcp` on PyPI).

Started by tests/mcp.rs, one case per run: `python client.py CASE`. The test
gives the environment: KUBECTL_AI_BIN (the plugin), KUBECONFIG (the sandbox
cluster), HOME, PATH (with the real kubectl), KUBECTL_AI_JOURNAL. Every check
that fails raises, so the process exits non-zero with the reason on stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

try:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters
    from mcp.shared.exceptions import MCPError
except ImportError as error:  # the test says how to install it
    sys.exit(f"the MCP Python SDK is not installed ({error}); run .ci/run, or: "
             "python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install mcp==2.3.0")

BIN = os.environ["KUBECTL_AI_BIN"]
READ_TOOLS = {"get", "describe", "logs", "events", "top", "rollout_status", "rollout_history",
              "endpoints", "contexts", "api_resources", "explain"}


def check(condition: bool, what: str, detail: object = "") -> None:
    if not condition:
        raise AssertionError(f"{what}\n--- detail ---\n{detail}")


def server(*args: str) -> StdioServerParameters:
    return StdioServerParameters(command=BIN, args=["mcp", *args], env=dict(os.environ))


def text(result) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "text", None) is not None)


def kubectl(*args: str) -> str:
    done = subprocess.run(["kubectl", *args], capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"kubectl {' '.join(args)} failed", done.stderr)
    return done.stdout


def replicas(name: str, namespace: str = "default") -> int:
    return json.loads(kubectl("get", "deployment", name, "-n", namespace, "-o", "json"))["spec"]["replicas"]


def journal() -> list[dict]:
    """The runs of the journal as the plugin reads them: a run journaled ahead of
    its apply and then finished has two lines with one id; the last one counts."""
    path = os.environ["KUBECTL_AI_JOURNAL"]
    if not os.path.exists(path):
        return []
    runs: dict = {}
    with open(path) as file:
        for line in file:
            if line.strip():
                entry = json.loads(line)
                runs[entry.get("id")] = entry
    return list(runs.values())


def history() -> list[dict]:
    """`kubectl ai history --json`: the runs, newest first."""
    done = subprocess.run([BIN, "history", "--json"], capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, "history ran", done.stderr)
    return json.loads(done.stdout)["runs"]


def signals_seen_by_kubectl() -> str:
    """What the test's kubectl shim wrote when a signal reached it (nothing, when none did)."""
    path = os.path.join(os.environ["HOME"], "kubectl-signals")
    return open(path).read() if os.path.exists(path) else ""


async def call_ok(client: Client, tool: str, arguments: dict, *expected: str) -> str:
    result = await client.call_tool(tool, arguments)
    body = text(result)
    check(not result.is_error, f"{tool} {arguments} failed", body)
    for needle in expected:
        check(needle in body, f"{tool} {arguments}: {needle!r} missing", body)
    return body


async def call_error(client: Client, tool: str, arguments: dict, *expected: str) -> str:
    result = await client.call_tool(tool, arguments)
    body = text(result)
    check(result.is_error, f"{tool} {str(arguments)[:200]} should be a tool error", body[:2000])
    for needle in expected:
        check(needle in body, f"{tool}: the error should say {needle!r}", body[:2000])
    return body


# ---- cases ------------------------------------------------------------------


async def initialize_and_list() -> None:
    """The initialize handshake, then the tools: no apply without --allow-changes."""
    async with Client(server(), mode="legacy") as client:
        info = client.session.initialize_result
        check(info is not None, "the initialize handshake happened", info)
        check(client.server_info.name == "kubectl-ai", "server name", client.server_info)
        check(client.server_capabilities.tools is not None, "tools capability", client.server_capabilities)
        names = {tool.name for tool in (await client.list_tools()).tools}
        check(READ_TOOLS <= names, "every read is a tool", names)
        check({"diagnose", "preview"} <= names, "diagnose and preview are tools", names)
        check("apply" not in names, "no apply without --allow-changes", names)
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        get = tools["get"].input_schema
        check(get["type"] == "object" and "kinds" in get["properties"], "get's schema is the plan type's", get)
        check("op" not in get["properties"], "the tool name is the op", get)
        preview = tools["preview"].input_schema
        check("operations" in preview["properties"], "preview takes a plan", preview)
        with_apply = None
        try:
            await client.call_tool("apply", {"plan_id": "plan-0"})
        except MCPError as error:
            with_apply = str(error)
        check(with_apply is not None and "--allow-changes" in with_apply,
              "apply is refused as unknown without --allow-changes", with_apply)
    async with Client(server("--allow-changes")) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        check("apply" in names, "apply is listed with --allow-changes", names)
        resources = {r.uri for r in (await client.list_resources()).resources}
        check("kubectl-ai://context" in {str(u) for u in resources}, "context resource", resources)
        context = await client.read_resource("kubectl-ai://context")
        check("changes_allowed" in context.contents[0].text, "context resource body", context)
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        check("diagnose_namespace" in prompts, "diagnose prompt", prompts)


async def reads() -> None:
    """Each read of the vocabulary, redacted; Secret data and env values never shown."""
    async with Client(server()) as client:
        await call_ok(client, "get", {"kinds": ["pods"]}, "web-hm5f82vrf7-dnzpk", "$ kubectl get pods")
        body = await call_ok(client, "get", {"kinds": ["deployments"], "name": "api", "output": "yaml"},
                             "DATABASE_PASSWORD")
        check("s3cr3t-value" not in body, "a secret env value is masked", body)
        check("value: info" not in body, "plain env values are masked too", body)
        body = await call_ok(client, "describe", {"kind": "deployment", "name": "api"}, "DATABASE_PASSWORD")
        check("s3cr3t-value" not in body, "describe masks env values", body)
        await call_ok(client, "logs", {"name": "web-hm5f82vrf7-dnzpk", "tail": 3}, "kube-probe")
        await call_ok(client, "events", {}, "$ kubectl")
        await call_ok(client, "top", {"resource": "pods"}, "web-hm5f82vrf7-dnzpk")
        await call_ok(client, "rollout_status", {"name": "web"}, "web")
        await call_ok(client, "rollout_history", {"name": "web"}, "REVISION")
        await call_ok(client, "endpoints", {"service": "web"}, "web")
        await call_ok(client, "contexts", {"current_only": True}, "sandbox")
        await call_ok(client, "api_resources", {}, "deployments")
        await call_ok(client, "explain", {"field": "deployment.spec.replicas"}, "replicas")
        body = await call_ok(client, "get", {"kinds": ["secrets"], "output": "json"})
        check("***" in body or '"items": []' in body, "Secret data is masked", body[:2000])


async def diagnose() -> None:
    """diagnose of a broken namespace returns the findings as the --json document."""
    async with Client(server()) as client:
        result = await client.call_tool("diagnose", {"namespace": "crashloop"})
        body = text(result)
        check(not result.is_error, "diagnose ran", body)
        document = result.structured_content
        check(isinstance(document, dict) and document.get("findings"), "findings returned", body[:3000])
        check("CrashLoopBackOff" in body or "crash" in body.lower(), "the crash loop is found", body[:3000])
        await call_error(client, "diagnose", {"target": "deployment"}, "KIND/NAME")


async def preview_and_apply() -> None:
    """A preview changes nothing and returns the diff; apply changes exactly that, journaled as mcp."""
    before = replicas("web")
    async with Client(server("--allow-changes")) as client:
        plan = {"operations": [{"op": "scale", "name": "web", "replicas": {"to": before + 2}}]}
        result = await client.call_tool("preview", plan)
        body = text(result)
        check(not result.is_error, "preview ran", body)
        check(f"replicas: {before + 2}" in body, "the diff shows the new count", body)
        check("kubectl scale deployment/web --replicas" in body, "the equivalent command", body)
        plan_id = result.structured_content["plan_id"]
        check(re.fullmatch(r"plan-[0-9a-f]{32}", plan_id), "an opaque plan id", plan_id)
        check(replicas("web") == before, "the preview changed nothing", replicas("web"))
        again = await client.call_tool("preview", plan)
        check(again.structured_content["plan_id"] == plan_id, "the same preview has the same id", text(again))
        other = await client.call_tool("preview", {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": before + 3}}]})
        check(other.structured_content["plan_id"] != plan_id, "another preview has another id", text(other))
        entries = len(journal())
        result = await client.call_tool("apply", {"plan_id": plan_id})
        body = text(result)
        check(not result.is_error, "apply succeeded", body)
        check(result.structured_content["status"] == "ok", "the run report says ok", result.structured_content)
        check(replicas("web") == before + 2, "the cluster changed as previewed", replicas("web"))
        lines = journal()
        check(len(lines) == entries + 1, "one journal entry", lines)
        check(lines[-1]["source"] == {"kind": "mcp"}, "journaled with the source mcp", lines[-1])
        check(lines[-1]["status"] == "ok", "the journal says ok", lines[-1])
        changed = lines[-1]["operations"][0]["objects"][0]
        check(changed.get("resource_version") and "not_reversible" not in changed,
              "the journal keeps what an undo needs, as for a CLI apply", changed)
        await call_error(client, "apply", {"plan_id": plan_id}, "unknown plan_id", "preview again")
        await call_error(client, "apply", {"plan_id": "plan-ffffffffffffffffffffffffffffffff"}, "unknown plan_id")


async def stale_plan() -> None:
    """A plan id whose object changed since the preview is refused by the apply's precondition."""
    async with Client(server("--allow-changes")) as client:
        result = await client.call_tool("preview", {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": 7}}]})
        check(not result.is_error, "preview ran", text(result))
        plan_id = result.structured_content["plan_id"]
        kubectl("scale", "deployment", "web", "--replicas=5")
        entries = len(journal())
        body = await call_error(client, "apply", {"plan_id": plan_id}, "changed since the preview")
        check(replicas("web") == 5, "the concurrent change stands, nothing was applied", body)
        lines = journal()
        check(len(lines) == entries + 1 and lines[-1]["status"] == "failed",
              "the refused apply is journaled as failed, matching the cluster", lines[-1:])


async def hostile() -> None:
    """Unknown ops, flag-like names, huge arguments: tool errors naming the value; the server lives on."""
    async with Client(server("--allow-changes")) as client:
        await call_error(client, "preview", {"operations": [{"op": "shell", "name": "web", "command": ["sh"]}]},
                         "unknown variant", "shell")
        # What needs a terminal, or cannot be previewed, is not offered over MCP.
        await call_error(client, "preview", {"operations": [{"op": "exec", "name": "web", "command": ["sh"]}]},
                         "exec", "not offered")
        await call_error(client, "preview", {"operations": [
            {"op": "port_forward", "name": "web", "local_port": 8080}]}, "port_forward", "not offered")
        await call_error(client, "preview", {"operations": [{"op": "use_namespace", "namespace": "shop"}]},
                         "use_namespace", "not offered")
        await call_error(client, "logs", {"name": "web", "kind": "deployment", "follow": True}, "follow")
        await call_error(client, "get", {"kinds": ["pods"], "name": "-rf"}, "-rf")
        await call_error(client, "logs", {"name": "--all-containers=true"}, "--all-containers")
        await call_error(client, "preview", {"operations": [
            {"op": "scale", "name": "--replicas=0", "replicas": {"to": 1}}]}, "--replicas=0")
        await call_error(client, "get", {"kinds": ["pods"], "shell": "rm -rf /"}, "shell")
        await call_error(client, "get", {"kinds": ["pods"], "op": "delete"}, "op")
        await call_error(client, "get", {"kinds": ["pods"], "name": "x" * (10 * 1024 * 1024)}, "bytes")
        await call_error(client, "preview", {"operations": []}, "no operations")
        await call_error(client, "preview", {"operations": [{"op": "get", "kinds": ["pods"]}]}, "read")
        await call_error(client, "diagnose", {"namespace": "-A"}, "-A")
        # Still serving.
        await call_ok(client, "get", {"kinds": ["deployments"]}, "web")
    raw_json_rpc()


def raw_json_rpc() -> None:
    """Bytes that are not JSON-RPC get an error response; the server stays up and then serves."""
    process = subprocess.Popen([BIN, "mcp", "-v"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        def send(line: bytes) -> None:
            process.stdin.write(line + b"\n")
            process.stdin.flush()

        def receive() -> dict:
            ready, _, _ = select.select([process.stdout], [], [], 20)
            check(ready, "the server answered within 20 s")
            line = process.stdout.readline()
            check(line, "the server answered", process.poll())
            return json.loads(line)

        # Bytes that are not JSON are ignored (no id to answer; the official SDKs
        # agree, so a peer echoing errors cannot start an error storm) ...
        send(b"{this is not json")
        # ... well-formed JSON that is not a valid request gets Invalid Request ...
        send(b'{"jsonrpc":"2.0","id":7,"method":"initialize","params":"not an object"}')
        answer = receive()
        check(answer.get("error", {}).get("code") == -32600, "a malformed request gets Invalid Request", answer)
        # ... and an unknown method an error with its id.
        send(b'{"jsonrpc":"2.0","id":8,"method":"no/such/method","params":{}}')
        answer = receive()
        check(answer.get("id") == 8 and "error" in answer, "an unknown method gets a JSON-RPC error", answer)
        send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}}).encode())
        answer = receive()
        check(answer.get("id") == 1 and "result" in answer, "then a proper initialize is served", answer)
        send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
        send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "get", "arguments": {"kinds": ["deployments"]}}}).encode())
        answer = receive()
        check(answer.get("id") == 2 and "web" in json.dumps(answer.get("result")), "a tool call is served", answer)
        check(process.poll() is None, "the server is still running")
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("the server did not exit when stdin closed")
    log = process.stderr.read().decode()
    check(process.returncode == 0, "a clean exit when the client goes away", log)
    check(re.search(r"tool call.*request_id=mcp-\d+-\d+.*tool=\"?get", log) or
          re.search(r"request_id=mcp-\d+-\d+.*tool=\"?get.*tool call", log),
          "-v logs each tool call with a request id", log)


async def http() -> None:
    """--http: streamable HTTP on loopback, the same tools."""
    process = subprocess.Popen([BIN, "mcp", "--http", "127.0.0.1:0"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        line = process.stderr.readline().decode()
        match = re.search(r"http://(127\.0\.0\.1:\d+)/mcp", line)
        check(match, "the server says where it listens", line)
        async with Client(f"http://{match.group(1)}/mcp") as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            check("get" in names and "apply" not in names, "the tools over HTTP", names)
            await call_ok(client, "get", {"kinds": ["deployments"]}, "web")
    finally:
        process.terminate()
        process.wait(timeout=10)


async def disconnect_mid_apply() -> None:
    """A client that goes away during an apply: the apply finishes and its journal entry matches the cluster."""
    before = replicas("web")
    params = server("--allow-changes")
    async with Client(params) as client:
        result = await client.call_tool("preview", {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": before + 1}}]})
        plan_id = result.structured_content["plan_id"]
        # The test's kubectl takes 1.5 s for `replace`: the client leaves before the answer.
        try:
            await asyncio.wait_for(client.call_tool("apply", {"plan_id": plan_id}), timeout=0.5)
            raise AssertionError("the slow apply should not have answered yet")
        except (asyncio.TimeoutError, TimeoutError):
            pass
    # The client closed the connection; the server finishes the apply before it
    # exits (the run is journaled ahead as unknown, then finished).
    deadline = time.time() + 20
    while time.time() < deadline and not [e for e in journal() if e["status"] != "unknown"]:
        time.sleep(0.2)
    lines = journal()
    check(len(lines) == 1 and lines[0]["status"] != "unknown", "the apply was journaled as it ended", lines)
    now = replicas("web")
    if lines[0]["status"] == "ok":
        check(now == before + 1, "journal says applied and the cluster agrees", (lines, now))
    else:
        check(now == before, "journal says not applied and the cluster agrees", (lines, now))


def check_cut_off(before: int, started: float) -> None:
    """The journal says the apply may have changed the object, and the cluster agrees
    once the shim's kubectl would have sent it: it was ended, nothing changed later."""
    lines = journal()
    check(len(lines) == 1 and lines[0]["status"] == "unknown", "the ended apply is journaled as unknown", lines)
    op = lines[0]["operations"][0]
    check(op["status"] == "unknown" and "may or may not have been applied" in op.get("not_reversible", ""),
          "the change says it may or may not have been applied", op)
    runs = history()
    check(runs and runs[0]["status"] == "unknown", "history shows the run", runs)
    time.sleep(max(0.0, started + 8 - time.time()))
    check(replicas("web") == before, "no kubectl outlived the server to change the cluster", replicas("web"))


async def outlived_mid_apply() -> None:
    """A client that leaves during an apply longer than its shutdown allows: the SDK
    closes stdin, sends SIGTERM 2 s later and SIGKILL 2 s after that. The server
    ends the apply and journals it before it is killed."""
    before = replicas("web")
    async with Client(server("--allow-changes")) as client:
        result = await client.call_tool("preview", {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": before + 1}}]})
        plan_id = result.structured_content["plan_id"]
        started = time.time()
        # The test's kubectl takes 6 s for `replace`.
        try:
            await asyncio.wait_for(client.call_tool("apply", {"plan_id": plan_id}), timeout=0.5)
            raise AssertionError("the slow apply should not have answered yet")
        except (asyncio.TimeoutError, TimeoutError):
            pass
    check_cut_off(before, started)


def interrupted_mid_apply() -> None:
    """Ctrl-C reaches the server's process group mid-apply (a host started in a
    terminal): kubectl, in a group of its own, never sees it; the server gives the
    apply a short grace, ends it, journals it and exits 130."""
    before = replicas("web")
    process = subprocess.Popen([BIN, "mcp", "--allow-changes"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
                               start_new_session=True)
    try:
        def call(id_: int, method: str, params: dict) -> dict:
            process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method,
                                            "params": params}).encode() + b"\n")
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 20)
            check(ready, f"the server answered {method} within 20 s")
            return json.loads(process.stdout.readline())

        call(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                               "clientInfo": {"name": "raw", "version": "1"}})
        process.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        answer = call(2, "tools/call", {"name": "preview", "arguments": {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": before + 1}}]}})
        plan_id = answer["result"]["structuredContent"]["plan_id"]
        process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "apply", "arguments": {"plan_id": plan_id}}}).encode() + b"\n")
        process.stdin.flush()
        started = time.time()
        deadline = started + 10
        while time.time() < deadline and not journal():
            time.sleep(0.05)
        check(journal(), "the apply is journaled ahead of its change", journal())
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise AssertionError("the server did not stop within 5 s of Ctrl-C")
        stopped = time.time() - started
    finally:
        if process.poll() is None:
            process.kill()
    log = process.stderr.read().decode()
    check(process.returncode == 130, "exit 130 after Ctrl-C", (process.returncode, log))
    check(stopped < 4, f"the server ended the apply instead of waiting for it ({stopped:.1f} s)", log)
    check(signals_seen_by_kubectl() == "", "kubectl never saw the Ctrl-C", signals_seen_by_kubectl())
    check_cut_off(before, started)


async def interrupted() -> None:
    interrupted_mid_apply()


async def pinned() -> None:
    """Every call goes to the context pinned at the start, whatever the kubeconfig says later."""
    async with Client(server("--allow-changes")) as client:
        await call_ok(client, "get", {"kinds": ["deployments"]}, "web")
        kubectl("config", "use-context", "staging")
        body = await call_ok(client, "contexts", {"current_only": True}, "works in context sandbox")
        await call_ok(client, "get", {"kinds": ["deployments"]}, "web")
        result = await client.call_tool("preview", {"operations": [
            {"op": "scale", "name": "web", "replicas": {"to": 3}}]})
        check(not result.is_error and result.structured_content["context"] == "sandbox",
              "the preview names the pinned context", text(result))
        context = await client.read_resource("kubectl-ai://context")
        check('"context":"sandbox"' in context.contents[0].text, "the context resource is the pinned one",
              context.contents[0].text)


CASES = {
    "pinned": pinned,
    "initialize": initialize_and_list,
    "reads": reads,
    "diagnose": diagnose,
    "preview_apply": preview_and_apply,
    "stale": stale_plan,
    "hostile": hostile,
    "http": http,
    "disconnect": disconnect_mid_apply,
    "outlived": outlived_mid_apply,
    "interrupted": interrupted,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit(f"usage: client.py {'|'.join(CASES)}")
    asyncio.run(CASES[sys.argv[1]]())
    print(f"ok {sys.argv[1]}")
