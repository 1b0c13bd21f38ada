#!/usr/bin/env python3
"""Learning-quality benchmark: how well SelfDissonance learns from a labeled/unlabeled episode stream, against an
offline refit on the same labeled rows. Talks to a running silo over HTTP (python3 standard library only);
scikit-learn is used only for the offline reference refit (skipped, with a message, when it cannot be installed).

Protocol, per dataset (samples/data/learning/<name>.csv), with a fixed seed:
  * split once: 20% golden holdout, 5% bootstrap training rows (at least 3 per class), the rest is the stream;
    stationary datasets: a seeded shuffle decides golden, bootstrap and the stream order;
    moons-drift (ordered): the stream is the file order (the concept turns 60 degrees half-way), bootstrap rows are
    the first rows of the file (the old concept), golden rows are drawn from the second half (the concept the
    service must end up serving);
  * a fresh task (unique id), the service's default policy, bootstrap with training + golden;
  * every stream row is POSTed as an episode (sync path); half of them (seeded choice) carry their true label;
  * POST /learn after every 10% of the stream;
  * golden accuracy of the production proposer from POST /predict on the golden rows (the main figure) and from
    GET /models, after bootstrap, at every checkpoint and at the end; prequential accuracy on the unlabeled episodes;
    cycles and their reasons (the /learn answers and the metrics' learner counters); blocked episodes by reason;
  * refit: LogisticRegression (standardized), RandomForest and HistGradientBoosting trained offline on bootstrap +
    every labeled stream row, scored on the golden rows; "refit" is the best of the three;
  * poisoned variant: 30% of the labeled stream rows get a different random class (seeded); its refit is the naive
    refit on those poisoned rows.
Run scripts/bench-learning.sh --help for the options.
"""
import argparse
import concurrent.futures
import csv
import datetime
import http.client
import json
import math
import os
import platform
import random
import subprocess
import sys
import time
import urllib.parse

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA_DIR = os.path.join(REPO, "samples", "data", "learning")

# name -> file, ordered (the stream keeps the file order)
DATASETS = {
    "breast-cancer": {"file": "breast-cancer.csv", "ordered": False},
    "wine": {"file": "wine.csv", "ordered": False},
    "digits": {"file": "digits.csv", "ordered": False},
    "iris": {"file": "iris.csv", "ordered": False},
    "moons": {"file": "moons.csv", "ordered": False},
    "moons-drift": {"file": "moons-drift.csv", "ordered": True},
}
DEFAULT_CLEAN = ["breast-cancer", "wine", "digits", "iris", "moons", "moons-drift"]
DEFAULT_POISONED = ["wine", "moons", "breast-cancer"]
SHORT_CLEAN = ["wine", "moons"]
SHORT_STREAM_CAP = 600
GOLDEN_SHARE = 0.20
BOOTSTRAP_SHARE = 0.05
MIN_BOOTSTRAP_PER_CLASS = 3
LABELED_SHARE = 0.5
POISON_SHARE = 0.30
CHECKPOINTS = 10


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Fatal(Exception):
    pass


class ApiError(Exception):
    def __init__(self, method, path, status, body):
        self.method, self.path, self.status, self.body = method, path, status, body
        try:
            self.problem = json.loads(body)
        except (ValueError, TypeError):
            self.problem = None
        super().__init__(f"{method} {path} -> {status}: {body[:500] if isinstance(body, str) else body}")

    @property
    def detail(self):
        if isinstance(self.problem, dict):
            parts = [self.problem.get("reason"), self.problem.get("title"), self.problem.get("detail")]
            return " ".join(str(p) for p in parts if p)
        return str(self.body)[:300]


class Client:
    """One keep-alive HTTP connection (http.client); reconnects and retries on connection errors and 503/429."""

    def __init__(self, base_url, key, timeout=700):
        u = urllib.parse.urlsplit(base_url)
        if u.scheme not in ("http", "https"):
            raise Fatal(f"--url must be http(s)://host:port, got {base_url!r}")
        self.scheme, self.host, self.port = u.scheme, u.hostname, u.port or (443 if u.scheme == "https" else 80)
        self.prefix = u.path.rstrip("/")
        self.key, self.timeout, self.conn = key, timeout, None

    def _connect(self):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        self.conn = cls(self.host, self.port, timeout=self.timeout)

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def call(self, method, path, body=None, retries=5, auth=True):
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"accept": "application/json"}
        if auth:
            headers["x-api-key"] = self.key
        if payload is not None:
            headers["content-type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            try:
                if self.conn is None:
                    self._connect()
                self.conn.request(method, self.prefix + path, body=payload, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read().decode("utf-8", "replace")
                if resp.getheader("connection", "").lower() == "close":
                    self.close()
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                self.close()
                if attempt > retries:
                    raise
                time.sleep(min(2 ** attempt * 0.2, 5))
                continue
            if resp.status in (429, 503) and attempt <= retries:
                ra = resp.getheader("retry-after")
                time.sleep(float(ra) if ra and ra.replace(".", "", 1).isdigit() else min(2 ** attempt * 0.5, 10))
                continue
            if resp.status >= 400:
                raise ApiError(method, path, resp.status, data)
            if not data.strip():
                return None
            if "json" not in (resp.getheader("content-type") or ""):
                return data
            return json.loads(data)


# ---------------------------------------------------------------- data

def load_dataset(name):
    path = os.path.join(DATA_DIR, DATASETS[name]["file"])
    if not os.path.exists(path):
        raise Fatal(f"dataset file {path} is missing (re-make it: python3 scripts/bench/export-uci.py; python3 scripts/bench/make-moons.py)")
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if header[-1] != "label":
            raise Fatal(f"{path}: the last column must be 'label'")
        features = header[:-1]
        xs, ys = [], []
        for line in r:
            if not line:
                continue
            xs.append([float(v) for v in line[:-1]])
            ys.append(line[-1])
    classes = []
    for y in ys:
        if y not in classes:
            classes.append(y)
    return features, classes, xs, ys


def split(name, n, ys, classes, seed):
    """Returns golden, bootstrap, stream (lists of row indices; stream in streaming order)."""
    rng = random.Random(f"{seed}:{name}:split")
    n_golden = round(GOLDEN_SHARE * n)
    n_boot = round(BOOTSTRAP_SHARE * n)
    if DATASETS[name]["ordered"]:
        second_half = list(range(n // 2, n))
        golden = sorted(rng.sample(second_half, n_golden))
        gset = set(golden)
        rest = [i for i in range(n) if i not in gset]  # file order
    else:
        order = list(range(n))
        rng.shuffle(order)
        golden = order[:n_golden]
        rest = order[n_golden:]
    boot = rest[:n_boot]
    # at least MIN_BOOTSTRAP_PER_CLASS per class: the next rows of that class from the rest
    for c in classes:
        have = sum(1 for i in boot if ys[i] == c)
        if have < MIN_BOOTSTRAP_PER_CLASS:
            extra = [i for i in rest if ys[i] == c and i not in boot][: MIN_BOOTSTRAP_PER_CLASS - have]
            boot.extend(extra)
    bset = set(boot)
    stream = [i for i in rest if i not in bset]
    return golden, boot, stream


# ---------------------------------------------------------------- refit (offline reference)

_sklearn_state = {"checked": False, "ok": False, "why": None}


def ensure_sklearn():
    st = _sklearn_state
    if st["checked"]:
        return st["ok"]
    st["checked"] = True
    try:
        import sklearn  # noqa: F401
        st["ok"] = True
        return True
    except ImportError:
        pass
    cmd = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd = ["apt-get", "install", "-y", "python3-sklearn"]
    elif subprocess.call(["sh", "-c", "command -v sudo >/dev/null && sudo -n true 2>/dev/null"]) == 0:
        cmd = ["sudo", "-n", "apt-get", "install", "-y", "python3-sklearn"]
    if cmd:
        log(f"scikit-learn is missing: {' '.join(cmd)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if rc != 0:
            # A fresh machine has no package lists yet ("Unable to locate package"): fetch them once and try again.
            update = cmd[:cmd.index("install")] + ["update"]
            log(f"that failed (exit {rc}): {' '.join(update)}, then again")
            if subprocess.call(update, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) == 0:
                rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if rc == 0:
            try:
                import importlib
                importlib.invalidate_caches()
                import sklearn  # noqa: F401
                st["ok"] = True
                return True
            except ImportError:
                pass
            # apt installs for the system python; this one may be another (pyenv, venv): run again with that one
            system = "/usr/bin/python3"
            if (os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system)
                    and not os.environ.get("SD_BENCH_REEXEC")
                    and subprocess.call([system, "-c", "import sklearn"], stderr=subprocess.DEVNULL) == 0):
                log(f"scikit-learn is installed for {system}, not for {sys.executable}: running again with {system}")
                os.environ["SD_BENCH_REEXEC"] = "1"
                os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
        st["why"] = f"'{' '.join(cmd)}' failed (exit {rc})" if rc else f"installed by '{' '.join(cmd)}' but not importable by {sys.executable}"
    else:
        st["why"] = "not root and no password-less sudo"
    log(f"WARNING: scikit-learn is not available ({st['why']}); the refit column is skipped. "
        "Install it with: sudo apt-get install -y python3-sklearn (or pip install scikit-learn)")
    return False


def refit(train_x, train_y, golden_x, golden_y, seed):
    """The three reference models trained on train_*, scored on golden; best = the highest of the three."""
    if not ensure_sklearn():
        return {"skipped": _sklearn_state["why"]}
    import warnings
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    models = {
        "logreg": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=10000)),
        "random_forest": lambda: RandomForestClassifier(n_estimators=300, random_state=seed, n_jobs=1),
        "hist_gbm": lambda: HistGradientBoostingClassifier(random_state=seed),
    }
    out = {"rows": len(train_x)}
    for k, make in models.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = make().fit(train_x, train_y)
                pred = m.predict(golden_x)
            out[k] = sum(1 for p, t in zip(pred, golden_y) if p == t) / len(golden_y)
        except Exception as e:  # e.g. one class only
            out[k] = None
            out[k + "_error"] = str(e)[:200]
    scored = [(out[k], k) for k in models if out.get(k) is not None]
    if scored:
        best = max(scored)
        out["best"], out["best_model"] = best
    return out


# ---------------------------------------------------------------- one run

def feats(features, row):
    return {f: v for f, v in zip(features, row)}


def golden_by_predict(client, task, features, xs, ys, golden):
    res = client.call("POST", f"/v1/tasks/{task}/predict", [{"features": feats(features, xs[i])} for i in golden])
    preds = res if isinstance(res, list) else (res.get("predictions") or res.get("items") or res)
    labels = [pred_label(p) for p in preds]
    correct = sum(1 for lab, i in zip(labels, golden) if lab == ys[i])
    return correct / len(golden)


def pred_label(p):
    """The predicted class of an episode or predict answer, whatever the nesting."""
    if isinstance(p, dict):
        if "prediction" in p:
            return pred_label(p["prediction"])
        if "label" in p and isinstance(p["label"], str):
            return p["label"]
    return None


def production_info(models):
    """(version, golden accuracy) of the production proposer from GET /models."""
    prop = (models or {}).get("proposer") or {}
    prod = prop.get("production")
    if isinstance(prod, dict):
        prod_v = prod.get("version")
    else:
        prod_v = prod
    acc = None
    for v in prop.get("versions") or []:
        if v.get("version") == prod_v:
            acc = v.get("goldenAccuracy")
    if acc is None and isinstance(prod, dict):
        acc = prod.get("goldenAccuracy")
    return prod_v, acc


def run_dataset(args, client_factory, name, poisoned, data):
    features, classes, xs, ys = data
    t0 = time.time()
    variant = "poisoned" if poisoned else "clean"
    n = len(xs)
    golden, boot, stream = split(name, n, ys, classes, args.seed)
    if args.short and len(stream) > SHORT_STREAM_CAP:
        stream = stream[:SHORT_STREAM_CAP]
    rng = random.Random(f"{args.seed}:{name}:labels")
    labeled_pos = set(rng.sample(range(len(stream)), int(LABELED_SHARE * len(stream))))
    stream_label = {}  # stream position -> label sent (possibly flipped)
    for p in sorted(labeled_pos):
        stream_label[p] = ys[stream[p]]
    flipped = []
    if poisoned:
        prng = random.Random(f"{args.seed}:{name}:poison")
        lab = sorted(labeled_pos)
        flipped = sorted(prng.sample(lab, round(POISON_SHARE * len(lab))))
        for p in flipped:
            stream_label[p] = prng.choice([c for c in classes if c != ys[stream[p]]])

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dt%H%M%S")
    task = f"bench-{name}-{'p' if poisoned else 'c'}-{stamp}-{random.Random().randrange(16**4):04x}"[:64]
    rec = {
        "dataset": name, "variant": variant, "task": task, "seed": args.seed,
        "rows": {"total": n, "golden": len(golden), "bootstrap": len(boot), "stream": len(stream),
                 "stream_labeled": len(labeled_pos), "stream_unlabeled": len(stream) - len(labeled_pos),
                 "poisoned_labels": len(flipped)},
        "features": len(features), "classes": classes,
    }
    label = f"{name} ({variant})"
    log(f"{label}: task {task}: {n} rows, {len(features)} features, {len(classes)} classes; golden {len(golden)}, "
        f"bootstrap {len(boot)}, stream {len(stream)} ({len(labeled_pos)} labeled"
        + (f", {len(flipped)} of them flipped" if poisoned else "") + ")")

    # offline references (the refit on bootstrap + labeled stream rows as sent)
    train_idx_x = [xs[i] for i in boot] + [xs[stream[p]] for p in sorted(labeled_pos)]
    train_idx_y = [ys[i] for i in boot] + [stream_label[p] for p in sorted(labeled_pos)]
    gx, gy = [xs[i] for i in golden], [ys[i] for i in golden]
    rec["refit"] = refit(train_idx_x, train_idx_y, gx, gy, args.seed)
    rec["refit_bootstrap_only"] = refit([xs[i] for i in boot], [ys[i] for i in boot], gx, gy, args.seed)
    rec["refit"]["kind"] = "naive poisoned refit" if poisoned else "clean refit"

    client = client_factory()
    try:
        client.call("POST", "/v1/tasks", {"id": task, "features": features, "classes": classes})
        body = {"training": [{"features": feats(features, xs[i]), "label": ys[i]} for i in boot],
                "golden": [{"features": feats(features, xs[i]), "label": ys[i]} for i in golden]}
        tb = time.time()
        try:
            rec["bootstrap_response"] = client.call("POST", f"/v1/tasks/{task}/bootstrap", body)
        except ApiError as e:
            if e.status in (400, 409, 422):
                rec["outcome"] = f"bootstrap refused: {e.detail}"
                rec["bootstrap_refusal"] = {"status": e.status, "body": e.problem or e.body}
                rec["wall_seconds"] = round(time.time() - t0, 1)
                log(f"{label}: {rec['outcome']}")
                return rec
            raise
        rec["bootstrap_seconds"] = round(time.time() - tb, 1)
        models0 = client.call("GET", f"/v1/tasks/{task}/models")
        v0, acc0_models = production_info(models0)
        acc0 = golden_by_predict(client, task, features, xs, ys, golden)
        rec["bootstrap"] = {"golden_accuracy_predict": acc0, "golden_accuracy_models": acc0_models, "proposer_version": v0}
        log(f"{label}: bootstrapped in {rec['bootstrap_seconds']} s: proposer {v0}, golden accuracy {acc0:.4f} (predict), "
            f"{acc0_models} (models)")

        # the stream
        checkpoints = sorted(set(math.ceil(k * len(stream) / CHECKPOINTS) for k in range(1, CHECKPOINTS + 1)))
        episodes = [None] * len(stream)
        gate_blocks = {}
        learn_log, curve = [], []
        ep_seconds = 0.0
        start = 0
        clients = [client] + [client_factory() for _ in range(max(0, args.connections - 1))]

        def send(conn_index, positions):
            c = clients[conn_index]
            for p in positions:
                i = stream[p]
                b = {"id": f"{task}-e{p}", "features": feats(features, xs[i])}
                if p in stream_label:
                    b["label"] = stream_label[p]
                episodes[p] = c.call("POST", f"/v1/tasks/{task}/episodes", b)

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(clients)) if len(clients) > 1 else None
        for k, end in enumerate(checkpoints, start=1):
            te = time.time()
            chunk = list(range(start, end))
            if pool:
                futs = [pool.submit(send, ci, chunk[ci::len(clients)]) for ci in range(len(clients))]
                for f in futs:
                    f.result()
            else:
                send(0, chunk)
            ep_seconds += time.time() - te
            for p in chunk:
                e = episodes[p] or {}
                gate = e.get("gate") or {}
                if gate.get("allowed") is False:
                    for r in gate.get("reasons") or ["(none)"]:
                        key = ("labeled:" if p in stream_label else "unlabeled:") + str(r)
                        gate_blocks[key] = gate_blocks.get(key, 0) + 1
            start = end
            tl = time.time()
            try:
                lr = client.call("POST", f"/v1/tasks/{task}/learn", retries=1)
            except ApiError as e:
                lr = {"error": {"status": e.status, "body": e.problem or e.body}}
            learn_seconds = round(time.time() - tl, 1)
            acc = golden_by_predict(client, task, features, xs, ys, golden)
            entry = {"checkpoint": k, "streamed": end, "learn_seconds": learn_seconds, "response": lr, "golden_accuracy_predict": acc}
            learn_log.append(entry)
            curve.append(acc)
            outcome = lr.get("outcome") if isinstance(lr, dict) else None
            reasons = lr.get("reasons") if isinstance(lr, dict) else None
            roles = " ".join(f"{role} {(lr.get(role) or {}).get('outcome', '-')}"
                             + (f" ({','.join((lr.get(role) or {}).get('reasons') or [])})" if (lr.get(role) or {}).get('reasons') else "")
                             for role in ("proposer", "critic")) if isinstance(lr, dict) else ""
            log(f"{label}: {round(100 * end / len(stream))}% streamed ({end}/{len(stream)}): learn -> "
                f"{outcome or lr.get('error')}{' ' + ','.join(map(str, reasons)) if reasons else ''} [{roles}] in {learn_seconds} s; "
                f"golden accuracy {acc:.4f}")
        models1 = client.call("GET", f"/v1/tasks/{task}/models")
        # settle: /learn without new data (catch-up steps toward the plain fit), reported apart from "end"
        settle_log = []
        for k in range(args.settle):
            tl = time.time()
            try:
                lr = client.call("POST", f"/v1/tasks/{task}/learn", retries=1)
            except ApiError as e:
                lr = {"error": {"status": e.status, "body": e.problem or e.body}}
            acc = golden_by_predict(client, task, features, xs, ys, golden)
            settle_log.append({"call": k + 1, "learn_seconds": round(time.time() - tl, 1), "response": lr, "golden_accuracy_predict": acc})
            prop = lr.get("proposer") if isinstance(lr, dict) else None
            log(f"{label}: settle {k + 1}/{args.settle}: learn -> {lr.get('outcome') or lr.get('error')}, proposer "
                f"{(prop or {}).get('outcome', '-')}; golden accuracy {acc:.4f}")
            if not isinstance(prop, dict) or prop.get("outcome") != "promoted":
                break
        if pool:
            pool.shutdown()
        for c in clients[1:]:
            c.close()

        models2 = client.call("GET", f"/v1/tasks/{task}/models") if settle_log else models1
        metrics = client.call("GET", f"/v1/tasks/{task}/metrics")
        v1, acc1_models = production_info(models1)
        v2, acc2_models = production_info(models2)
        acc1 = curve[-1] if curve else acc0
        # prequential on unlabeled rows
        unl = [p for p in range(len(stream)) if p not in stream_label]
        hits = [pred_label(episodes[p]) == ys[stream[p]] for p in unl]
        preq = sum(hits) / len(hits) if hits else None
        preq_deciles = []
        for k in range(CHECKPOINTS):
            lo, hi = k * len(stream) // CHECKPOINTS, (k + 1) * len(stream) // CHECKPOINTS
            h = [pred_label(episodes[p]) == ys[stream[p]] for p in unl if lo <= p < hi]
            preq_deciles.append(round(sum(h) / len(h), 4) if h else None)
        preq_labeled = [pred_label(episodes[p]) == ys[stream[p]] for p in stream_label]
        rec["end"] = {"golden_accuracy_predict": acc1, "golden_accuracy_models": acc1_models, "proposer_version": v1}
        rec["curve_golden_accuracy_predict"] = [acc0] + curve
        rec["settle_log"] = settle_log
        rec["settled"] = {"golden_accuracy_predict": settle_log[-1]["golden_accuracy_predict"] if settle_log else acc1,
                          "golden_accuracy_models": acc2_models, "proposer_version": v2,
                          "learn_calls": len(settle_log),
                          "proposer_promotions": sum(1 for e in settle_log if isinstance(e["response"], dict)
                                                     and (e["response"].get("proposer") or {}).get("outcome") == "promoted")}
        rec["prequential_unlabeled"] = preq
        rec["prequential_unlabeled_by_decile"] = preq_deciles
        rec["prequential_labeled_true_label"] = sum(preq_labeled) / len(preq_labeled) if preq_labeled else None
        if DATASETS[name]["ordered"]:
            half = n // 2
            pre = [h for p, h in zip(unl, hits) if stream[p] < half]
            post = [h for p, h in zip(unl, hits) if stream[p] >= half]
            rec["prequential_unlabeled_before_drift"] = sum(pre) / len(pre) if pre else None
            rec["prequential_unlabeled_after_drift"] = sum(post) / len(post) if post else None
        rec["learn_calls"] = summarize_learn(learn_log)
        rec["learn_log"] = learn_log
        rec["gate_blocks_from_responses"] = gate_blocks
        rec["metrics"] = metrics
        rec["models_end"] = models1
        rec["models_settled"] = models2
        rec["models_bootstrap"] = models0
        rec["proposer_moved"] = v1 != v0  # by the end of the stream (settle not counted)
        rec["episode_seconds"] = round(ep_seconds, 1)
        rec["episodes_per_second"] = round(len(stream) / ep_seconds, 1) if ep_seconds else None
        rec["outcome"] = "ran"
    finally:
        client.close()
    rec["wall_seconds"] = round(time.time() - t0, 1)
    log(f"{label}: done in {rec['wall_seconds']} s: golden {rec['bootstrap']['golden_accuracy_predict']:.4f} -> "
        f"{rec['end']['golden_accuracy_predict']:.4f} (refit {fmt_acc(rec['refit'].get('best'))}), prequential "
        f"{fmt_acc(rec['prequential_unlabeled'])}, proposer {rec['bootstrap']['proposer_version']} -> {rec['end']['proposer_version']}")
    return rec


def summarize_learn(learn_log):
    """Outcomes of the /learn calls: the answer's top level (promoted when either role was) and per role.
    A role's promotion with step < 1 is a step the trust region limited ("bounded": a mixture toward the candidate)."""
    out = {"outcomes": {}, "reasons": {}}
    for role in ("proposer", "critic"):
        out[role] = {"outcomes": {}, "reasons": {}, "bounded_promotions": 0}
    for e in learn_log:
        r = e["response"]
        o = r.get("outcome") if isinstance(r, dict) and "outcome" in r else "error"
        out["outcomes"][o] = out["outcomes"].get(o, 0) + 1
        for reason in (r.get("reasons") or []) if isinstance(r, dict) else []:
            out["reasons"][reason] = out["reasons"].get(reason, 0) + 1
        for role in ("proposer", "critic"):
            rr = r.get(role) if isinstance(r, dict) else None
            if not isinstance(rr, dict):
                ro = "nothing_to_learn" if o == "nothing_to_learn" else ("error" if o == "error" else "not_trained")
                out[role]["outcomes"][ro] = out[role]["outcomes"].get(ro, 0) + 1
                continue
            ro = rr.get("outcome", "?")
            out[role]["outcomes"][ro] = out[role]["outcomes"].get(ro, 0) + 1
            if ro == "promoted" and (rr.get("step") if rr.get("step") is not None else 1) < 1:
                out[role]["bounded_promotions"] += 1
            if ro != "promoted":
                for reason in rr.get("reasons") or ["(none)"]:
                    out[role]["reasons"][reason] = out[role]["reasons"].get(reason, 0) + 1
    return out


# ---------------------------------------------------------------- metrics extraction (tolerant of shape)

def find_key(obj, names):
    """First value found under any of names, depth-first."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in names:
                return v
        for v in obj.values():
            r = find_key(v, names)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = find_key(v, names)
            if r is not None:
                return r
    return None


def blocked_by_reason(rec):
    b = find_key(rec.get("metrics"), {"blockedByReason", "blocked", "blocks"})
    if isinstance(b, dict):
        return {k: v for k, v in b.items() if v}
    return b


def learner_counters(rec):
    return find_key(rec.get("metrics"), {"learner"})


def fmt_acc(v):
    return "-" if v is None else f"{v:.3f}"


def role_text(rec, role):
    x = rec.get("learn_calls", {}).get(role, {})
    o = x.get("outcomes", {})
    t = f"{o.get('promoted', 0)}P/{o.get('rejected', 0)}R"
    other = {k: v for k, v in o.items() if k not in ("promoted", "rejected")}
    if other:
        t += "/" + "/".join(f"{v} {k}" for k, v in other.items())
    if x.get("bounded_promotions"):
        t += f" ({x['bounded_promotions']} bounded)"
    if x.get("reasons"):
        t += "; rejected: " + " ".join(f"{k}×{v}" for k, v in sorted(x["reasons"].items()))
    return t


def cycles_text(rec):
    lc = learner_counters(rec) or {}
    calls = len(rec.get("learn_log", []))
    extra = ""
    if isinstance(lc, dict) and isinstance(lc.get("cycles"), int) and lc["cycles"] != calls:
        extra = f" (learner counted {lc['cycles']} cycles, {lc['cycles'] - calls} on its own)"
    return f"proposer {role_text(rec, 'proposer')}; critic {role_text(rec, 'critic')}{extra}"


def table(records):
    head = ["dataset", "variant", "boot/stream/golden", "bootstrap", "end", "settled", "refit (best of 3)", "prequential",
            "cycles of the /learn calls (P promoted, R rejected; reasons)", "blocked by reason (metrics; labeled of them)", "proposer", "wall s"]
    rows = []
    for r in records:
        rw = r.get("rows", {})
        sizes = f"{rw.get('bootstrap')}/{rw.get('stream')}/{rw.get('golden')}"
        rf = r.get("refit", {})
        refit_txt = "skipped" if "skipped" in rf else f"{fmt_acc(rf.get('best'))} ({rf.get('best_model')})"
        if r.get("outcome") != "ran":
            rows.append([r["dataset"], r["variant"], sizes, "-", "-", "-", refit_txt, "-", r.get("outcome", "?"), "-", "-",
                         str(r.get("wall_seconds", "-"))])
            continue
        b = blocked_by_reason(r)
        btxt = " ".join(f"{k}={v}" for k, v in b.items()) if isinstance(b, dict) else (str(b) if b else "")
        btxt = btxt or "none"
        lab = {k.split(":", 1)[1]: v for k, v in r.get("gate_blocks_from_responses", {}).items() if k.startswith("labeled:")}
        if lab:
            btxt += " (labeled: " + " ".join(f"{k}={v}" for k, v in sorted(lab.items())) + ")"
        preq = fmt_acc(r.get("prequential_unlabeled"))
        if "prequential_unlabeled_after_drift" in r:
            preq += f" (before drift {fmt_acc(r.get('prequential_unlabeled_before_drift'))}, after {fmt_acc(r.get('prequential_unlabeled_after_drift'))})"
        rows.append([r["dataset"], r["variant"], sizes,
                     f"{fmt_acc(r['bootstrap']['golden_accuracy_predict'])}",
                     f"{fmt_acc(r['end']['golden_accuracy_predict'])}",
                     f"{fmt_acc(r.get('settled', {}).get('golden_accuracy_predict'))} (+{r.get('settled', {}).get('proposer_promotions', 0)}P)",
                     refit_txt, preq, cycles_text(r), btxt,
                     f"{r['bootstrap']['proposer_version']}→{r['end']['proposer_version']}"
                     + (f" (settled {r['settled']['proposer_version']})" if r.get("settled", {}).get("proposer_version") not in (None, r['end']['proposer_version']) else ""),
                     str(r.get("wall_seconds"))])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")
    return "\n".join(out)


def check(records):
    failures = []
    for r in records:
        tag = f"{r['dataset']} ({r['variant']})"
        if r.get("outcome") != "ran":
            failures.append(f"{tag}: {r.get('outcome')}")
            continue
        b, e = r["bootstrap"]["golden_accuracy_predict"], r["end"]["golden_accuracy_predict"]
        # Learning must show: above the bootstrap model, or, where the bootstrap model already matched the offline refit
        # on these golden rows (nothing left to learn from them), not below it.
        refit = (r.get("refit") or {}).get("best")
        if e < b or (e == b and (refit is None or b < refit)):
            failures.append(f"{tag}: end accuracy {e:.4f} is not above bootstrap {b:.4f}"
                            + (f" (refit {refit:.4f})" if refit is not None else ""))
        kl = r.get("learn_calls", {}).get("proposer", {}).get("reasons", {}).get("kl_trust_region", 0)
        if kl and not r.get("proposer_moved"):
            failures.append(f"{tag}: cycles rejected with kl_trust_region while the proposer never moved "
                            f"(still {r['end']['proposer_version']})")
    return failures


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    def sh(cmd):
        try:
            return subprocess.check_output(cmd, cwd=REPO, stderr=subprocess.DEVNULL, text=True).strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(), "python": platform.python_version(),
            "git_commit": sh(["git", "rev-parse", "HEAD"]), "git_branch": sh(["git", "rev-parse", "--abbrev-ref", "HEAD"]),
            "git_dirty": bool(sh(["git", "status", "--porcelain", "--untracked-files=no"]))}


def markdown(records, meta, command, failures, check_on):
    m = meta["machine"]
    lines = [
        "# Learning-quality benchmark",
        "",
        f"- date: {meta['started']} → {meta['finished']} (UTC)",
        f"- command: `{command}`",
        f"- machine: {m['nproc']} cores, {m['cpu']}; {m['platform']}, Python {m['python']}",
        f"- git: {m['git_commit']} ({m['git_branch']}{', uncommitted changes' if m['git_dirty'] else ''})",
        f"- service: {meta['url']}, default policy; seed {meta['seed']}",
        "",
        "Golden accuracy of the production proposer from `POST /predict` on the golden rows, after bootstrap and after "
        "the last `/learn` of the stream (**end**); **settled**: after up to `--settle` more `/learn` calls without new data "
        "while the proposer keeps being promoted (catch-up steps; +nP = proposer promotions among them). **refit** = the best of three models trained offline on bootstrap + every labeled stream "
        "row (standardized LogisticRegression, RandomForest(300), HistGradientBoosting; for the poisoned variant, on the "
        "poisoned labels: a naive poisoned refit), scored on the same golden rows. **prequential** = accuracy of the "
        "prediction the service returned for each unlabeled stream episode. **cycles**: per role, outcomes of the 10 "
        "`/learn` calls (P promoted, R rejected; \"bounded\" = a promotion the trust region limited, step < 1: a mixture toward the candidate) "
        "with the rejection reasons; cycles the learner ran on its own (minBatch, timer) are counted from `/metrics` but "
        "their outcomes are not seen. **blocked**: `/metrics` blocked episodes by reason, and how many of them carried a "
        "label (from the episode answers).",
        "",
        table(records),
        "",
    ]
    for r in records:
        if r.get("outcome") == "ran":
            lines.append(f"- {r['dataset']} ({r['variant']}): golden accuracy per checkpoint (0 = bootstrap, then every 10% "
                         f"of the stream): {', '.join(fmt_acc(a) for a in r['curve_golden_accuracy_predict'])}; /models says "
                         f"{r['bootstrap']['golden_accuracy_models']} → {r['end']['golden_accuracy_models']}; prequential by "
                         f"decile {r['prequential_unlabeled_by_decile']}; refit per model "
                         f"{ {k: r['refit'].get(k) for k in ('logreg', 'random_forest', 'hist_gbm')} }; bootstrap-only refit "
                         f"{fmt_acc(r['refit_bootstrap_only'].get('best'))}; stream {r['episode_seconds']} s "
                         f"({r['episodes_per_second']} episodes/s)")
    if check_on:
        lines += ["", "Check: " + ("passed" if not failures else "FAILED"), ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/bench-learning.sh", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=f"Known datasets: {', '.join(DATASETS)}.")
    ap.add_argument("--datasets", help=f"clean runs, comma-separated (default {','.join(DEFAULT_CLEAN)}; --short: {','.join(SHORT_CLEAN)})")
    ap.add_argument("--poisoned", help=f"poisoned runs (default {','.join(DEFAULT_POISONED)}; --short: none; '' or 'none' for none)")
    ap.add_argument("--url", default="http://127.0.0.1:5080")
    ap.add_argument("--api-key-file", default="src/Silo/.data/admin.key", help="relative to the repo root unless absolute; env SD_API_KEY wins")
    ap.add_argument("--out", default=".data/reports/learning", help="relative to the repo root unless absolute")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--short", action="store_true", help=f"{','.join(SHORT_CLEAN)} only, stream capped to {SHORT_STREAM_CAP} rows")
    ap.add_argument("--connections", type=int, default=1, help="concurrent episode connections (each keeps its own order); default 1")
    ap.add_argument("--settle", type=int, default=4, help="after the stream, up to N more /learn calls without new data while "
                    "the proposer keeps being promoted (catch-up steps); reported as 'settled', apart from 'end' (default 4, 0 = none)")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every run ended above its bootstrap accuracy (or at it, where the bootstrap model already "
                    "matched the refit) and none "
                    "had kl_trust_region rejections while the proposer never moved")
    ap.add_argument("--write-repo-doc", action="store_true", help="also copy the markdown report to LEARNING.md at the repo root")
    args = ap.parse_args(argv)

    def names(s, default):
        if s is None:
            return default
        if s.strip().lower() in ("", "none"):
            return []
        out = [x.strip() for x in s.split(",") if x.strip()]
        bad = [x for x in out if x not in DATASETS]
        if bad:
            raise Fatal(f"unknown dataset(s): {', '.join(bad)}. Known: {', '.join(DATASETS)}")
        return out

    clean = names(args.datasets, SHORT_CLEAN if args.short else DEFAULT_CLEAN)
    poisoned = names(args.poisoned, [] if args.short else DEFAULT_POISONED)
    if not clean and not poisoned:
        raise Fatal("nothing to run: --datasets and --poisoned are both empty")
    if args.connections < 1 or args.connections > 64:
        raise Fatal("--connections must be 1..64")

    key = os.environ.get("SD_API_KEY")
    if not key:
        kf = args.api_key_file if os.path.isabs(args.api_key_file) else os.path.join(REPO, args.api_key_file)
        if not os.path.exists(kf):
            raise Fatal(f"no API key: {kf} does not exist and SD_API_KEY is not set. The silo writes its generated admin "
                        "key to <DataDirectory>/admin.key on first start (src/Silo/.data/admin.key for "
                        "'dotnet run --project src/Silo'); pass --api-key-file or set SD_API_KEY.")
        with open(kf) as f:
            key = f.read().strip()
    out_dir = args.out if os.path.isabs(args.out) else os.path.join(REPO, args.out)

    probe = Client(args.url, key, timeout=10)
    try:
        probe.call("GET", "/healthz", retries=1, auth=False)
    except ApiError as e:
        raise Fatal(f"the service at {args.url} answered /healthz with {e.status}: {e.detail}")
    except (OSError, http.client.HTTPException) as e:
        raise Fatal(f"cannot reach the service at {args.url} ({e}). Start it in another terminal, e.g.\n"
                    f"  dotnet run --project src/Silo -c Release        # listens on http://127.0.0.1:5080, key in src/Silo/.data/admin.key\n"
                    f"or pass --url for a silo elsewhere.")
    try:
        probe.call("GET", "/v1/tasks", retries=1)
    except ApiError as e:
        raise Fatal(f"the service refused the API key ({e.status} {e.detail}); check --api-key-file / SD_API_KEY")
    finally:
        probe.close()

    ensure_sklearn()  # before any run: it may install scikit-learn or run the script again with the system python
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    meta = {"started": started.isoformat(), "url": args.url, "seed": args.seed, "short": args.short,
            "connections": args.connections, "machine": machine(),
            "protocol": {"golden_share": GOLDEN_SHARE, "bootstrap_share": BOOTSTRAP_SHARE,
                         "min_bootstrap_per_class": MIN_BOOTSTRAP_PER_CLASS, "labeled_share": LABELED_SHARE,
                         "poison_share": POISON_SHARE, "checkpoints": CHECKPOINTS,
                         "stream_cap": SHORT_STREAM_CAP if args.short else None,
                         "refit": "best of logreg (standardized), random_forest (300 trees), hist_gbm"}}
    command = "scripts/bench-learning.sh " + " ".join(sys.argv[1:]) if argv is None else " ".join(argv)
    log(f"learning benchmark against {args.url}: clean {clean or '-'}, poisoned {poisoned or '-'}, seed {args.seed}")
    cache = {}
    records = []
    runs = [(n, False) for n in clean] + [(n, True) for n in poisoned]
    for name, pois in runs:
        if name not in cache:
            cache[name] = load_dataset(name)
        factory = lambda: Client(args.url, key)  # noqa: E731
        try:
            records.append(run_dataset(args, factory, name, pois, cache[name]))
        except (ApiError, OSError, http.client.HTTPException) as e:
            log(f"{name} ({'poisoned' if pois else 'clean'}): FAILED: {e}")
            records.append({"dataset": name, "variant": "poisoned" if pois else "clean", "outcome": f"failed: {e}"[:400]})
        _write(out_dir, meta, records, command, args, partial=True)

    meta["finished"] = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    failures = check(records)
    md = _write(out_dir, meta, records, command, args, partial=False, failures=failures)
    print(table(records))
    print()
    print("refit = best of LogisticRegression (standardized), RandomForest and HistGradientBoosting trained offline on "
          "bootstrap + labeled stream rows (poisoned runs: on the poisoned labels), scored on the golden rows.")
    print(f"reports: {os.path.join(out_dir, 'learning.json')}, {os.path.join(out_dir, 'LEARNING.md')}")
    if args.write_repo_doc:
        with open(os.path.join(REPO, "LEARNING.md"), "w") as f:
            f.write(md)
        print(f"wrote {os.path.join(REPO, 'LEARNING.md')}")
    if args.check:
        if failures:
            print("check FAILED:\n  " + "\n  ".join(failures))
            return 1
        print("check passed")
    return 0


def _write(out_dir, meta, records, command, args, partial, failures=None):
    os.makedirs(out_dir, exist_ok=True)
    m = dict(meta)
    m.setdefault("finished", None)
    doc = {"meta": m, "command": command, "partial": partial, "records": records}
    if failures is not None:
        doc["check_failures"] = failures
    with open(os.path.join(out_dir, "learning.json"), "w") as f:
        json.dump(doc, f, indent=1)
    md = markdown(records, dict(m, finished=m["finished"] or "(running)"), command, failures or [], args.check and not partial)
    with open(os.path.join(out_dir, "LEARNING.md"), "w") as f:
        f.write(md)
    return md


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fatal as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
