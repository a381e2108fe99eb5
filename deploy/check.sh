#!/usr/bin/env bash
# deploy/check.sh: checks the deployment artifacts without Docker or Kubernetes (neither exists where this runs).
#   (a) every YAML file under deploy/k8s parses, each object has apiVersion/kind/name and no fixed namespace;
#   (b) the manifests use what the apps really read: every Cluster__/Session__/SessionGrains__ variable names a
#       bindable property in the app's options classes (values checked against enums, ints, bools, TimeSpans);
#       containerPorts match the Orleans ports and ASPNETCORE_URLS and the Dockerfiles' EXPOSE; probes hit /healthz;
#       Orleans labels equal ClusterId/ServiceId; RBAC covers what Orleans' Kubernetes hosting does; secrets come from
#       the Secret the template describes; image names match the `docker build` lines in deploy/README.md;
#   (c) replays each Dockerfile's build stage (its COPY steps, filtered by .dockerignore, into a scratch folder, then
#       its RUN dotnet restore/publish steps with /app replaced by a scratch folder) and checks that the dll the
#       ENTRYPOINT names is in the output; then smoke-runs the web entry point with web.yaml's environment (/healthz
#       must answer: every Session__/Cluster__ value bound) and stops it with SIGTERM.
# Prints every check; exits non-zero on any failure. Run from anywhere: it works on the repository it lives in.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
start=$SECONDS

# A python3 that has PyYAML: the one on PATH, else Debian's (python3-yaml installs into /usr/bin/python3's path,
# which is not that of a python3 from pyenv or a venv earlier on PATH).
pick_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import yaml' 2>/dev/null; then
      PY=$py
      return 0
    fi
  done
  return 1
}
if ! pick_python; then
  echo "deploy/check.sh: installing python3-yaml (PyYAML) with apt" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-yaml >/dev/null; } || exit 1
  pick_python || { echo "deploy/check.sh: no python3 with PyYAML, even after installing python3-yaml" >&2; exit 1; }
fi
if ! command -v dotnet >/dev/null; then
  echo "deploy/check.sh: dotnet (the .NET 10 SDK) is required for the publish replay" >&2
  exit 1
fi

"$PY" - "$@" <<'PY'
import os, re, shutil, subprocess, sys, tempfile, time
import yaml

K8S = "deploy/k8s"
DOCKER = "deploy/docker"
README = "deploy/README.md"
# Which app each Deployment runs (its project under src/), and the Dockerfile that builds its image.
APPS = {
    "sessiongrains-silo": ("SessionGrains.Silo", f"{DOCKER}/Dockerfile.silo"),
    "sessiongrains-web": ("SessionGrains.Web", f"{DOCKER}/Dockerfile.web"),
}
# Environment variables in the manifests that are not app configuration sections (Orleans' Kubernetes hosting, Kestrel).
NON_APP_ENV = {"POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "ASPNETCORE_URLS"}
SRC = {
    "cluster": "src/SessionGrains.Hosting/SessionClusterOptions.cs",
    "silo_ext": "src/SessionGrains.Hosting/SessionClusterSiloBuilderExtensions.cs",
    "session": "src/SessionGrains.AspNetCore/SessionFrontEndOptions.cs",
    "cookie": "src/SessionGrains.AspNetCore/SessionCookieOptions.cs",
    "cookie_enums": "src/SessionGrains.AspNetCore/SessionCookieEnums.cs",
    "grains": "src/SessionGrains.Server/SessionSiloOptions.cs",
    "mode": "src/SessionGrains.Web/FrontEndMode.cs",
    "web_program": "src/SessionGrains.Web/Program.cs",
    "web_endpoints": "src/SessionGrains.Web/DemoEndpoints.cs",
    "silo_program": "src/SessionGrains.Silo/Program.cs",
}

failures = []
checks = 0


def crashed(kind, value, tb):
    import traceback
    traceback.print_exception(kind, value, tb)
    print(f"\ndeploy/check.sh: FAILED: the checks could not complete ({kind.__name__}: {value}); "
          f"{len(failures)} failure(s) before that")
    sys.exit(1)


sys.excepthook = crashed


def ok(msg):
    global checks
    checks += 1
    print(f"  ok    {msg}")


def fail(msg):
    global checks
    checks += 1
    failures.append(msg)
    print(f"  FAIL  {msg}")


warnings = []


def warn(msg):
    warnings.append(msg)
    print(f"  WARN  {msg}")


def check(cond, msg, why=""):
    if cond:
        ok(msg)
    else:
        fail(msg + (f": {why}" if why else ""))
    return cond


T0 = time.monotonic()


def section(title):
    print(f"\n== {title}   [{time.monotonic() - T0:.0f} s]")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------------------------- (a)
section("(a) YAML under deploy/k8s parses")
yaml_files = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(K8S) for f in fs if f.endswith((".yaml", ".yml")))
check(len(yaml_files) > 0, f"found {len(yaml_files)} YAML files under {K8S}")
docs = []  # (file, doc)
for path in yaml_files:
    try:
        loaded = [d for d in yaml.safe_load_all(read(path)) if d is not None]
    except yaml.YAMLError as e:
        fail(f"{path} parses: {e}")
        continue
    ok(f"{path} parses ({len(loaded)} document(s))")
    for d in loaded:
        if not isinstance(d, dict) or "apiVersion" not in d or "kind" not in d:
            fail(f"{path}: a document without apiVersion/kind")
            continue
        if d["kind"] == "Kustomization":
            docs.append((path, d))
            continue
        meta = d.get("metadata") or {}
        if not check(bool(meta.get("name")), f"{path}: {d['kind']} has a name"):
            continue
        check("namespace" not in meta, f"{path}: {d['kind']}/{meta['name']} is namespace-agnostic (no metadata.namespace)")
        docs.append((path, d))


def objects(kind):
    return [(p, d) for p, d in docs if d.get("kind") == kind]


def one(kind, name):
    for p, d in objects(kind):
        if d["metadata"]["name"] == name:
            return d
    return None


section("(a) kustomization")
kust = [d for p, d in docs if d.get("kind") == "Kustomization"]
if check(len(kust) == 1, "deploy/k8s/kustomization.yaml is a Kustomization"):
    resources = kust[0].get("resources") or []
    for r in resources:
        check(os.path.isfile(os.path.join(K8S, r)), f"kustomization resource {r} exists")
    for path in yaml_files:
        name = os.path.relpath(path, K8S)
        if name in ("kustomization.yaml", "secret.example.yaml"):
            continue
        check(name in resources, f"kustomization lists {name}")
    check("secret.example.yaml" not in resources,
          "kustomization does not apply secret.example.yaml (a template: it would overwrite the real Secret)")

# ---------------------------------------------------------------------------------------------------------------- (b)
section("(b) what the apps read (from the sources)")


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    return re.sub(r"//[^\n]*", "", src)


def properties(path):
    """Public settable properties: name -> C# type."""
    src = strip_comments(read(path))
    return {m.group(2): m.group(1) for m in re.finditer(
        r"public\s+(?:required\s+)?([\w<>\[\]?.,\s]+?)\s+(\w+)\s*\{\s*get;\s*(?:set|init);", src)}


def enums(path):
    src = strip_comments(read(path))
    out = {}
    for m in re.finditer(r"\benum\s+(\w+)\s*\{([^}]*)\}", src):
        out[m.group(1)] = [re.split(r"\s*=", x.strip())[0] for x in m.group(2).split(",") if x.strip()]
    return out


def int_default(path, prop):
    m = re.search(rf"\bint\s+{prop}\s*\{{\s*get;\s*set;\s*\}}\s*=\s*(\d+)\s*;", read(path))
    return int(m.group(1)) if m else None


missing = [p for p in SRC.values() if not os.path.isfile(p)]
if missing:
    fail(f"source files the cross-checks read are missing: {missing}")
    print("\ndeploy/check.sh: cannot cross-check without them")
    sys.exit(1)

cluster_props = properties(SRC["cluster"])
session_props = properties(SRC["session"])
cookie_props = properties(SRC["cookie"])
grain_props = properties(SRC["grains"])
all_enums = {}
for key in ("cluster", "cookie_enums", "session", "mode"):
    all_enums.update(enums(SRC[key]))
web_program = read(SRC["web_program"])
reads_mode = "Cluster:Mode" in web_program
check(reads_mode and "FrontEndMode" in all_enums,
      "the web app reads Cluster:Mode (FrontEndMode: %s)" % ", ".join(all_enums.get("FrontEndMode", [])))
if reads_mode:
    cluster_props = dict(cluster_props, Mode="FrontEndMode")
ok(f"SessionClusterOptions: {', '.join(sorted(cluster_props))}")
ok(f"SessionFrontEndOptions: {', '.join(sorted(session_props))}; Cookie: {', '.join(sorted(cookie_props))}")
ok(f"SessionSiloOptions: {', '.join(sorted(grain_props))}")
sections = {"Cluster": cluster_props, "Session": session_props, "SessionGrains": grain_props}
nested = {"SessionCookieOptions": cookie_props}

TIMESPAN = re.compile(r"^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?$")


def check_value(name, ctype, value):
    """value: a literal string, or None when it comes from a reference (checked elsewhere)."""
    if value is None:
        return None
    t = ctype.rstrip("?")
    if t in all_enums:
        members = all_enums[t]
        return None if value.lower() in (m.lower() for m in members) else f"{value!r} is not one of {t}: {members}"
    if t == "int":
        return None if re.fullmatch(r"-?\d+", value) else f"{value!r} is not an int"
    if t == "bool":
        return None if value.lower() in ("true", "false") else f"{value!r} is not true/false"
    if t == "TimeSpan":
        return None if TIMESPAN.match(value) else f"{value!r} is not a TimeSpan ([d.]hh:mm[:ss])"
    if t == "string":
        return None
    return f"no configuration binding for type {ctype}"


def resolve_setting(name, value):
    """None when NAME binds to a settable property (and VALUE fits it), else the reason."""
    parts = name.split("__")
    props = sections.get(parts[0])
    if props is None:
        return "not a section the apps read (Cluster, Session, SessionGrains)"
    rest = parts[1:]
    where = parts[0]
    while True:
        if not rest:
            return f"{where} is a section, not a setting"
        key, rest = rest[0], rest[1:]
        if key not in props:
            close = [p for p in props if p.lower() == key.lower()]
            return f"{where} has no property {key!r}" + (f" (did you mean {close[0]}?)" if close else "")
        ctype = props[key].strip()
        where = f"{where}:{key}"
        if ctype in nested:
            props = nested[ctype]
            continue
        if ctype.startswith("Func<") or ctype.startswith("Action<"):
            return f"{where} is a delegate ({ctype}): code only, not bindable"
        if ctype.endswith("[]"):
            if len(rest) != 1 or not rest[0].isdigit():
                return f"{where} is an array: use {name}__0, {name}__1, ..."
            return check_value(name, ctype[:-2], value)
        if rest:
            return f"{where} ({ctype}) has no sub-keys"
        return check_value(name, ctype, value)


section("(b) configuration the manifests set")
configmaps = {d["metadata"]["name"]: (d.get("data") or {}) for _, d in objects("ConfigMap")}
for cm_name, data in configmaps.items():
    for key, value in data.items():
        if not check(isinstance(value, str), f"ConfigMap {cm_name}: {key} is a string", f"{value!r} ({type(value).__name__})"):
            continue
        why = resolve_setting(key, value)
        check(why is None, f"ConfigMap {cm_name}: {key}={value} is read by the apps", why or "")

secret_tpl = {}
for p, d in objects("Secret"):
    secret_tpl[d["metadata"]["name"]] = dict(d.get("stringData") or {}, **(d.get("data") or {}))
check(os.path.isfile(f"{K8S}/secret.example.yaml") and len(secret_tpl) > 0, "secret.example.yaml holds a Secret template")
for sname, data in secret_tpl.items():
    for key, value in data.items():
        value = str(value)
        real_key = re.search(r"AccountKey=[A-Za-z0-9+/]{20,}", value) or re.search(r"(SharedAccessSignature|sig)=[^;&]{10,}", value)
        placeholder = value == "UseDevelopmentStorage=true" or "REPLACE" in value.upper()
        check(placeholder and not real_key, f"Secret template {sname}: {key} is a placeholder, not a real value", repr(value))

deployments = {d["metadata"]["name"]: d for _, d in objects("Deployment")}
check(set(APPS) <= set(deployments), f"Deployments {sorted(APPS)} exist", f"found {sorted(deployments)}")


def containers(dep):
    return dep["spec"]["template"]["spec"].get("containers") or []


def effective_env(container):
    """name -> (literal value or None, source). envFrom ConfigMaps first, env entries override them."""
    env = {}
    for ef in container.get("envFrom") or []:
        ref = (ef.get("configMapRef") or {}).get("name")
        if ref is not None:
            check(ref in configmaps, f"envFrom ConfigMap {ref} is defined in deploy/k8s")
            for k, v in (configmaps.get(ref) or {}).items():
                env[k] = (str(v), f"configmap:{ref}")
    for e in container.get("env") or []:
        if "value" in e:
            env[e["name"]] = ("" if e["value"] is None else str(e["value"]), "value")
        else:
            vf = e.get("valueFrom") or {}
            if "secretKeyRef" in vf:
                env[e["name"]] = (None, "secret:%s/%s" % (vf["secretKeyRef"].get("name"), vf["secretKeyRef"].get("key")))
            elif "fieldRef" in vf:
                env[e["name"]] = (None, "field:" + vf["fieldRef"].get("fieldPath", ""))
            elif "configMapKeyRef" in vf:
                r = vf["configMapKeyRef"]
                env[e["name"]] = ((configmaps.get(r.get("name")) or {}).get(r.get("key")), f"configmap:{r.get('name')}")
            else:
                env[e["name"]] = (None, "other")
    return env


def url_port(url):
    m = re.search(r":(\d+)/?$", url.split(";")[0].strip())
    return int(m.group(1)) if m else None


silo_env = web_env = None
for dep_name, (project, dockerfile) in APPS.items():
    dep = deployments.get(dep_name)
    if dep is None:
        continue
    is_silo = project.endswith(".Silo")
    section(f"(b) Deployment {dep_name} ({project})")
    spec = dep["spec"]
    pod = spec["template"]
    pod_labels = (pod.get("metadata") or {}).get("labels") or {}
    sel = (spec.get("selector") or {}).get("matchLabels") or {}
    check(sel and all(pod_labels.get(k) == v for k, v in sel.items()), "selector matches the pod template's labels")
    check(spec.get("replicas") == (3 if is_silo else 2), f"replicas = {spec.get('replicas')}")
    cs = containers(dep)
    if not check(len(cs) == 1, "one container"):
        continue
    c = cs[0]
    env = effective_env(c)
    if is_silo:
        silo_env = env
    else:
        web_env = env
    for e in c.get("env") or []:
        if "value" in e:
            check(isinstance(e["value"], str), f"env {e['name']} is a string", f"{e['value']!r} is {type(e['value']).__name__}: quote it")
    for name, (value, source) in sorted(env.items()):
        if name in NON_APP_ENV:
            continue
        label = f"env {name}" + (f"={value}" if value is not None else f" <- {source}")
        why = resolve_setting(name, value)
        # Which app reads which section: the silo never reads Session or Cluster:Mode; a client-mode front end
        # never reads SessionGrains (only a co-hosted silo does).
        if why is None and is_silo and (name.startswith("Session__") or (name == "Cluster__Mode" and not source.startswith("configmap:"))):
            why = "the silo does not read it (the web app does)"
        if why is None and not is_silo and name.startswith("SessionGrains__") and env.get("Cluster__Mode", (None,))[0] == "Client":
            why = "a client-mode front end does not read it (the silos do)"
        if why is None and re.search(r"secret|connectionstring|password|key$", name, re.I) and not source.startswith("secret:"):
            why = f"a secret must come from a Secret, not {source}"
        if why is None and source.startswith("secret:"):
            sname, skey = source[len("secret:"):].split("/", 1)
            if skey not in (secret_tpl.get(sname) or {}):
                why = f"Secret {sname} key {skey} is not in secret.example.yaml"
        check(why is None, label + f" is read by {project}", why or "")

    def val(name, default=None):
        v = env.get(name)
        return v[0] if v and v[0] is not None else default

    # Ports: ASPNETCORE_URLS (the apps only listen off-loopback when a URL is configured) and, for a silo, Orleans'.
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
    for pname, pnum in ports.items():
        check(isinstance(pnum, int), f"containerPort {pname} is an int", repr(pnum))
    urls = val("ASPNETCORE_URLS")
    http = url_port(urls) if urls else None
    check(http is not None and "127.0.0.1" not in urls and "localhost" not in urls,
          f"ASPNETCORE_URLS={urls} listens on all interfaces with an explicit port")
    check(ports.get("http") == http, f"containerPort http={ports.get('http')} = the ASPNETCORE_URLS port {http}")
    expected_ports = {http}
    if is_silo:
        silo_port = int(val("Cluster__SiloPort", int_default(SRC["cluster"], "SiloPort")))
        gw_port = int(val("Cluster__GatewayPort", int_default(SRC["cluster"], "GatewayPort")))
        check(ports.get("silo") == silo_port, f"containerPort silo={ports.get('silo')} = Cluster__SiloPort {silo_port}")
        check(ports.get("gateway") == gw_port, f"containerPort gateway={ports.get('gateway')} = Cluster__GatewayPort {gw_port}")
        expected_ports |= {silo_port, gw_port}
    check(set(ports.values()) == expected_ports, f"containerPorts {sorted(ports.values())} are exactly the ports the app opens {sorted(x for x in expected_ports if x)}")

    # Probes: /healthz exists in the app and the probes reach it on the http port.
    endpoints_src = read(SRC["silo_program"] if is_silo else SRC["web_endpoints"])
    check('MapGet("/healthz"' in endpoints_src, f"{project} maps /healthz")

    def probe_port(pr):
        port = (pr.get("httpGet") or pr.get("tcpSocket") or {}).get("port")
        return ports.get(port) if isinstance(port, str) else port

    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        pr = c.get(kind)
        if pr is None:
            if kind != "startupProbe":
                fail(f"{kind} is set")
            continue
        must_be_healthz = kind == "readinessProbe" or is_silo
        if "httpGet" in pr:
            check(pr["httpGet"].get("path") == "/healthz" and probe_port(pr) == http,
                  f"{kind}: GET /healthz on the http port ({http})", f"{pr['httpGet']}")
        else:
            check(not must_be_healthz and probe_port(pr) == http, f"{kind}: {list(pr)[0]} on the http port ({http})",
                  "must be GET /healthz" if must_be_healthz else "")

    # Image: the name deploy/README.md builds from this app's Dockerfile.
    dep_image = c.get("image", "")
    dep["_image"] = dep_image
    dep["_ports"] = set(ports.values())
    dep["_http"] = http

    if is_silo:
        grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        m = re.search(r"ShutdownTimeout\s*=\s*TimeSpan\.FromSeconds\((\d+)\)", read(SRC["silo_program"]))
        shutdown = int(m.group(1)) if m else None
        check(shutdown is not None and grace >= max(40, shutdown + 10),
              f"terminationGracePeriodSeconds {grace} >= 40 and covers the silo's {shutdown} s shutdown timeout")
        check(val("Cluster__Clustering") == "AzureStorage" and val("Cluster__GrainStorage") == "AzureTable"
              and val("Cluster__Reminders") == "AzureTable",
              "Cluster: AzureStorage clustering, AzureTable grain storage, AzureTable reminders")
        check(env.get("Cluster__StorageConnectionString", (None, ""))[1].startswith("secret:"),
              "Cluster__StorageConnectionString comes from a Secret")
        for name, field in (("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"),
                            ("POD_IP", "status.podIP"), ("Cluster__AdvertisedAddress", "status.podIP")):
            check(env.get(name, (None, ""))[1] == f"field:{field}", f"{name} <- downward API {field}")
        sid = val("Cluster__ServiceId", "sessiongrains")
        cid = val("Cluster__ClusterId", "sessiongrains")
        check(pod_labels.get("orleans/serviceId") == sid, f"pod label orleans/serviceId={pod_labels.get('orleans/serviceId')} = Cluster__ServiceId {sid}")
        check(pod_labels.get("orleans/clusterId") == cid, f"pod label orleans/clusterId={pod_labels.get('orleans/clusterId')} = Cluster__ClusterId {cid}")
        for name, label in (("ORLEANS_SERVICE_ID", "orleans/serviceId"), ("ORLEANS_CLUSTER_ID", "orleans/clusterId")):
            check(env.get(name, (None, ""))[1] == f"field:metadata.labels['{label}']", f"{name} <- pod label {label}")
        # SessionGrains:MaxSessionBytes vs the Azure Table cap the silo validates at startup.
        m = re.search(r"AzureTableMaxSessionBytes\s*=\s*([\d\s*]+);", read(SRC["silo_ext"]))
        cap = eval(m.group(1)) if m and re.fullmatch(r"[\d\s*]+", m.group(1)) else None
        msb = int(val("SessionGrains__MaxSessionBytes", int_default(SRC["grains"], "MaxSessionBytes") or 0))
        if val("Cluster__GrainStorage") == "AzureTable":
            check(cap is not None and msb <= cap, f"SessionGrains__MaxSessionBytes {msb} <= the AzureTable cap {cap}")
        # RBAC for Orleans' Kubernetes hosting.
        sa = pod["spec"].get("serviceAccountName")
        check(sa is not None and one("ServiceAccount", sa) is not None, f"serviceAccountName {sa} is defined (rbac.yaml)")
        bound = [d for _, d in objects("RoleBinding")
                 if any(s.get("kind") == "ServiceAccount" and s.get("name") == sa for s in d.get("subjects") or [])]
        verbs = set()
        for b in bound:
            role = one(b["roleRef"]["kind"], b["roleRef"]["name"]) if b["roleRef"].get("kind") == "Role" else None
            check(role is not None, f"RoleBinding {b['metadata']['name']} -> Role {b['roleRef'].get('name')} is defined")
            for rule in (role or {}).get("rules") or []:
                if "" in rule.get("apiGroups", []) and "pods" in rule.get("resources", []):
                    verbs |= set(rule.get("verbs", []))
        check({"get", "list", "watch", "delete"} <= verbs, f"ServiceAccount {sa} may get/list/watch/delete pods", f"has {sorted(verbs)}")
    else:
        check(val("Cluster__Mode") == "Client", "Cluster__Mode=Client (a client of the silo cluster)")
        sec = env.get("Session__Secrets__0", (None, ""))
        check(sec[0] is None and sec[1].startswith("secret:"), "Session__Secrets__0 comes from a Secret")
        check((val("Session__Proxy") or "").lower() == "true", "Session__Proxy=true (behind an ingress/LB)")
        check((val("Session__Cookie__Secure") or "").lower() == "auto", "Session__Cookie__Secure=Auto")
        check(pod["spec"].get("automountServiceAccountToken") is False, "no Kubernetes API token mounted in the front ends")
        services = [d for _, d in objects("Service")
                    if all(pod_labels.get(k) == v for k, v in ((d.get("spec") or {}).get("selector") or {}).items())
                    and (d.get("spec") or {}).get("selector")]
        if check(len(services) >= 1, "a Service selects the front-end pods"):
            for sp in services[0]["spec"].get("ports") or []:
                tp = sp.get("targetPort")
                check((ports.get(tp) if isinstance(tp, str) else tp) == http,
                      f"Service {services[0]['metadata']['name']} port {sp.get('port')} -> targetPort {tp} = the http port {http}")

if silo_env and web_env:
    section("(b) silos and front ends agree")
    for name in ("Cluster__Clustering", "Cluster__ClusterId", "Cluster__ServiceId", "Cluster__StorageConnectionString"):
        a, b = silo_env.get(name), web_env.get(name)
        check(a == b and a is not None, f"{name} is the same for silos and front ends", f"{a} vs {b}")

# Images and Dockerfiles.
section("(b) images: deploy/README.md, Dockerfiles, manifests")


def docker_builds(text):
    """(-f dockerfile, -t image) of each `docker build` line."""
    out = []
    for line in text.splitlines():
        if "docker build" not in line:
            continue
        f = re.search(r"(?:-f|--file)[ =](\S+)", line)
        t = re.search(r"(?:-t|--tag)[ =](\S+)", line)
        if f and t:
            out.append((f.group(1), t.group(1)))
    return out


readme_builds = docker_builds(read(README)) if os.path.isfile(README) else []
check(len(readme_builds) >= 2, f"deploy/README.md has docker build lines: {readme_builds}")


def parse_dockerfile(path):
    """[(stage_name, [(INSTRUCTION, args)])], continuation lines joined, comments dropped."""
    lines, buf = [], ""
    for raw in read(path).splitlines():
        s = raw.strip()
        if not buf and (not s or s.startswith("#")):
            continue
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        lines.append(buf + s)
        buf = ""
    stages = []
    for line in lines:
        instr, _, args = line.partition(" ")
        instr = instr.upper()
        if instr == "FROM":
            m = re.search(r"\s+AS\s+(\S+)\s*$", args, re.I)
            stages.append((m.group(1) if m else str(len(stages)), [("FROM", args)]))
        elif stages:
            stages[-1][1].append((instr, args.strip()))
    return stages


def entrypoint_dll(stage):
    for instr, args in stage[1]:
        if instr == "ENTRYPOINT":
            m = re.fullmatch(r'\[\s*"dotnet"\s*,\s*"([^"]+\.dll)"\s*\]', args)
            return m.group(1) if m else ("shell-form:" + args)
    return None


dockerfiles = {}
for dep_name, (project, dockerfile) in APPS.items():
    if not check(os.path.isfile(dockerfile), f"{dockerfile} exists"):
        continue
    stages = parse_dockerfile(dockerfile)
    dockerfiles[dockerfile] = stages
    if not check(len(stages) >= 2, f"{dockerfile} is multi-stage ({[s[0] for s in stages]})"):
        continue
    build, runtime = stages[0], stages[-1]
    check(build[1][0][1].startswith("mcr.microsoft.com/dotnet/sdk:10.0"), f"{dockerfile}: build stage FROM {build[1][0][1]}")
    check(runtime[1][0][1].startswith("mcr.microsoft.com/dotnet/aspnet:10.0"), f"{dockerfile}: runtime stage FROM {runtime[1][0][1]}")
    publishes = [a for i, a in build[1] if i == "RUN" and re.match(rf"dotnet publish src/{re.escape(project)}\b.*-o /app\b", a)]
    check(len(publishes) == 1, f"{dockerfile}: RUN dotnet publish src/{project} ... -o /app", f"{publishes}")
    dll = entrypoint_dll(runtime)
    check(dll == f"{project}.dll", f"{dockerfile}: ENTRYPOINT [\"dotnet\", \"{dll}\"] (exec form, the app's assembly)")
    csproj = read(f"src/{project}/{project}.csproj")
    check("<AssemblyName>" not in csproj, f"src/{project}: no AssemblyName override, so the dll is {project}.dll")
    user = [a for i, a in runtime[1] if i == "USER"]
    check(bool(user) and user[-1] not in ("root", "0", "0:0"), f"{dockerfile}: runs as non-root USER {user[-1] if user else None}")
    copies = [a for i, a in runtime[1] if i == "COPY" and f"--from={build[0]}" in a and " /app" in f" {a}"]
    check(bool(copies), f"{dockerfile}: runtime stage copies /app from the build stage")
    exposed = {int(x.split("/")[0]) for i, a in runtime[1] if i == "EXPOSE" for x in a.split()}
    env_urls = [a for i, a in runtime[1] if i == "ENV" and "ASPNETCORE_URLS=" in a]
    img_http = url_port(re.search(r"ASPNETCORE_URLS=(\S+)", env_urls[-1]).group(1)) if env_urls else None
    dep = deployments.get(dep_name)
    if dep is not None and "_ports" in dep:
        check(exposed == dep["_ports"], f"{dockerfile}: EXPOSE {sorted(exposed)} = the Deployment's containerPorts {sorted(dep['_ports'])}")
        check(img_http == dep["_http"], f"{dockerfile}: ENV ASPNETCORE_URLS port {img_http} = the manifest's {dep['_http']}")
        tags = [t for f, t in readme_builds if f == dockerfile]
        check(dep["_image"] in tags, f"{dep_name} image {dep['_image']} is what deploy/README.md builds from {dockerfile}", f"README builds {tags}")
        own = docker_builds(read(dockerfile))
        check(all(t == dep["_image"] for f, t in own), f"{dockerfile}'s own build comment tags {dep['_image']}", f"{own}")

# ---------------------------------------------------------------------------------------------------------------- (c)
section("(c) the Dockerfiles' build stages, replayed with the local SDK")


def dockerignore_patterns():
    pats = []
    if os.path.isfile(".dockerignore"):
        for line in read(".dockerignore").splitlines():
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            neg = s.startswith("!")
            s = s[1:] if neg else s
            s = s.strip("/")
            rx, i = "", 0
            while i < len(s):
                if s.startswith("**/", i):
                    rx += "(?:.*/)?"; i += 3
                elif s.startswith("**", i):
                    rx += ".*"; i += 2
                elif s[i] == "*":
                    rx += "[^/]*"; i += 1
                elif s[i] == "?":
                    rx += "[^/]"; i += 1
                else:
                    rx += re.escape(s[i]); i += 1
            pats.append((re.compile(rx + r"\Z"), neg))
    return pats


IGNORE = dockerignore_patterns()


def ignored(rel):
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for rx, neg in IGNORE:
        if any(rx.match(p) for p in prefixes):
            result = not neg
    return result


HOST_OUTPUT = {"bin", "obj", "node_modules"}


def copy_into(src_rel, dest_abs, into_dir, leaked):
    """Docker COPY of one context path: a directory copies its contents; a file lands in dest (a dir if into_dir).
    Appends to LEAKED the copied files that are host build output."""
    src_rel = src_rel.rstrip("/") or "."
    if not os.path.exists(src_rel):
        raise FileNotFoundError(f"COPY source {src_rel} is not in the build context")
    if ignored(src_rel) and src_rel != ".":
        raise FileNotFoundError(f"COPY source {src_rel} is excluded by .dockerignore")
    if os.path.isfile(src_rel):
        target = os.path.join(dest_abs, os.path.basename(src_rel)) if into_dir else dest_abs
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(src_rel, target)
        return
    for d, dirs, files in os.walk(src_rel):
        reld = os.path.relpath(d, ".").replace(os.sep, "/")
        dirs[:] = [x for x in dirs if not ignored(f"{reld}/{x}" if reld != "." else x)]
        for f in files:
            relf = f"{reld}/{f}" if reld != "." else f
            if ignored(relf):
                continue
            if HOST_OUTPUT & set(relf.split("/")):
                leaked.append(relf)
            target = os.path.join(dest_abs, os.path.relpath(os.path.join(d, f), src_rel))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(d, f), target)


scratch = tempfile.mkdtemp(prefix="sessiongrains-deploy-check-")
published = {}
try:
    for dockerfile, stages in dockerfiles.items():
        project = next(p for p, f in APPS.values() if f == dockerfile)
        build = stages[0]
        root = os.path.join(scratch, os.path.basename(dockerfile).replace("Dockerfile.", ""))
        ctx, out = os.path.join(root, "fs"), os.path.join(root, "app")
        os.makedirs(ctx)
        workdir = "/"
        env = dict(os.environ)
        t0 = time.monotonic()
        replayed = True
        leaked = []
        log = os.path.join(root, "build.log")
        for instr, args in build[1][1:]:
            if instr == "WORKDIR":
                workdir = os.path.join(workdir, args)
                os.makedirs(ctx + workdir, exist_ok=True)
            elif instr == "ENV":
                for k, v in re.findall(r"(\w+)=(\S+)", args):
                    env[k] = v
            elif instr == "COPY":
                if args.startswith("--"):
                    fail(f"{dockerfile}: cannot replay COPY {args}"); replayed = False; break
                *srcs, dest = args.split()
                dest_abs = ctx + (dest if dest.startswith("/") else os.path.join(workdir, dest))
                into_dir = dest.endswith("/") or len(srcs) > 1 or dest in (".", "./")
                try:
                    for s in srcs:
                        copy_into(s, dest_abs, into_dir, leaked)
                except FileNotFoundError as e:
                    fail(f"{dockerfile}: {e}"); replayed = False; break
            elif instr == "RUN":
                if not args.startswith("dotnet "):
                    fail(f"{dockerfile}: cannot replay RUN {args} (only dotnet commands)"); replayed = False; break
                cmd = args.replace(" /app", " " + out)
                with open(log, "a") as lf:
                    lf.write(f"\n$ {cmd}\n")
                    lf.flush()
                    try:
                        rc = subprocess.run(["bash", "-c", cmd], cwd=ctx + workdir, env=env, stdout=lf,
                                            stderr=subprocess.STDOUT, timeout=300).returncode
                    except subprocess.TimeoutExpired:
                        rc = "timeout (300 s)"
                if not check(rc == 0, f"{dockerfile}: RUN {args}", f"exit {rc}; the build log ends:\n" +
                             "\n".join(read(log).splitlines()[-25:])):
                    replayed = False
                    break
            elif instr in ("ARG", "LABEL", "SHELL", "USER"):
                pass
            else:
                fail(f"{dockerfile}: cannot replay {instr} in the build stage"); replayed = False; break
        check(not leaked, f"{dockerfile}: its COPY steps bring no host build output (bin/, obj/, node_modules/)",
              f"{len(leaked)} files, e.g. {leaked[:3]}")
        if replayed:
            dll = entrypoint_dll(stages[-1])
            check(os.path.isfile(os.path.join(out, dll)), f"{dockerfile}: the publish output has the ENTRYPOINT's {dll}")
            rc_json = dll[:-4] + ".runtimeconfig.json"
            if check(os.path.isfile(os.path.join(out, rc_json)), f"{dockerfile}: ... and {rc_json}"):
                fw = read(os.path.join(out, rc_json))
                check("Microsoft.AspNetCore.App" in fw, f"{dockerfile}: {rc_json} targets Microsoft.AspNetCore.App (what aspnet:10.0 carries)")
            ok(f"{dockerfile}: build stage replayed in {time.monotonic() - t0:.0f} s")
            published[dockerfile] = (out, dll)

    # A smoke run of the web image's entry point with web.yaml's environment (a silo needs real Azure Storage, which
    # the local farm in deploy/local provides; not here). /healthz passes through the session middleware, so an
    # answer from it (200 or the expected 503) means every Session__/Cluster__ value bound and validated.
    web_df = APPS["sessiongrains-web"][1]
    if web_df in published and web_env is not None:
        section("(c) smoke run: the web entry point with web.yaml's environment")
        import secrets as _secrets, signal, socket, urllib.request, urllib.error
        out, dll = published[web_df]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASPNETCORE_", "DOTNET_URLS", "Cluster__", "Session__", "SessionGrains__"))}
        for name, (value, source) in web_env.items():
            if source.startswith("secret:"):
                skey = source.split("/", 1)[1]
                value = _secrets.token_urlsafe(48) if skey == "session-secret" else str(secret_tpl["sessiongrains"][skey])
            elif value is None:
                value = "127.0.0.1"
            env[name] = value
        env["ASPNETCORE_URLS"] = re.sub(r":\d+", f":{port}", env["ASPNETCORE_URLS"])
        log = os.path.join(scratch, "web-smoke.log")
        with open(log, "w") as lf:
            proc = subprocess.Popen(["dotnet", dll], cwd=out, env=env, stdout=lf, stderr=subprocess.STDOUT)
        try:
            answer, deadline = None, time.monotonic() + 45
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=8) as r:
                        answer = (r.status, r.read().decode())
                except urllib.error.HTTPError as e:
                    answer = (e.code, e.read().decode())
                except OSError:
                    time.sleep(0.5)
                    continue
                break
            tail = "\n".join(read(log).splitlines()[-15:])
            check(answer is not None and (answer[0] == 503 and "unavailable" in answer[1] or answer[0] == 200 and answer[1].startswith("ok")),
                  f"dotnet {dll} listens on {env['ASPNETCORE_URLS']} and /healthz answers {answer}",
                  f"exit code {proc.poll()}; its log ends:\n{tail}")
            check("PUBLIC DEVELOPMENT SECRET" not in read(log), "the front end used the Secret's session secret (no development-secret warning)")
            # Reported, not failed: with no cluster to reach, this stops a front end that is still connecting, and the
            # app currently lets that cancellation escape app.Run() (exit 134 after an unhandled TaskCanceledException).
            # That is the app's to fix (see deploy/README.md); a pod being terminated is killed either way.
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=40)
                if rc == 0:
                    ok("SIGTERM while still connecting to the cluster: the front end stopped cleanly (exit 0)")
                else:
                    warn(f"SIGTERM while still connecting to the cluster: the front end exited {rc} instead of 0 "
                         "(an app issue, not a deployment one: see deploy/README.md)")
            except subprocess.TimeoutExpired:
                fail("SIGTERM: the front end did not stop within 40 s")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
finally:
    shutil.rmtree(scratch, ignore_errors=True)

# The .dockerignore must keep host build output out of `COPY src/ src/`.
section("(c) .dockerignore")
check(os.path.isfile(".dockerignore"), ".dockerignore exists at the repository root (the build context)")
for probe in ("src/SessionGrains.Silo/obj/project.assets.json", "src/SessionGrains.Web/bin/Debug/x.dll",
              "deploy/local/node_modules/x/index.js", "deploy/local/.farm/x"):
    check(ignored(probe), f".dockerignore excludes {probe}")
for probe in ("src/SessionGrains.Silo/Program.cs", "Directory.Build.props", "Directory.Packages.props", "nuget.config"):
    check(not ignored(probe), f".dockerignore keeps {probe}")

print()
print(f"deploy/check.sh: {checks - len(failures)} of {checks} checks passed, {len(failures)} failed, "
      f"{len(warnings)} warning(s)")
for w in warnings:
    print(f"  warning: {w}")
for f in failures:
    print(f"  failed: {f.splitlines()[0]}")
sys.exit(1 if failures else 0)
PY
status=$?
echo "deploy/check.sh: finished in $((SECONDS - start)) s (exit $status)"
exit $status
