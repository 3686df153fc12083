#!/usr/bin/env python3
"""Per-day mean per-impression AUC of simple signals on MIND's time-ordered protocol.

Why this exists: issue 3 asks the system to beat live item CTR (ctr_live) by 0.03 AUC on the sample's last day.
This script checks, outside the Java pipeline and fast, whether the sample holds any signal besides item CTR that
could. Every signal sees only log lines strictly before the impression (lines at the same instant do not see each
other), as in DESIGN.md. Needs python3 only (numpy for the pairwise model).

    python3 docs/analysis/mind_signals.py ../shared/data/mind-sample
"""
import collections
import datetime
import math
import sys

import numpy as np


def load(directory):
    rows = []
    for line in open(f"{directory}/behaviors.tsv"):
        _, user, time, history, candidates = line.rstrip("\n").split("\t")
        rows.append((datetime.datetime.strptime(time, "%m/%d/%Y %I:%M:%S %p"), user, history.split(),
                     [(c.rsplit("-", 1)[0], int(c.rsplit("-", 1)[1])) for c in candidates.split()]))
    rows.sort(key=lambda r: r[0])
    return rows


def auc(scores, labels):
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


class ItemLog:
    """What the log says about each item up to now."""

    def __init__(self):
        self.events = collections.defaultdict(list)  # item -> [(time, clicked)]
        self.user_items = collections.defaultdict(set)  # user -> items in history or clicked
        self.item_users = collections.defaultdict(set)

    def window(self, item, now, hours):
        since = now - datetime.timedelta(hours=hours)
        shown = [c for t, c in self.events[item] if t >= since]
        return len(shown), sum(shown)

    def all(self, item):
        return len(self.events[item]), sum(c for _, c in self.events[item])

    def candidate_features(self, now, user, history, item):
        shown, clicks = self.all(item)
        ctr = (clicks + 1) / (shown + 20)
        i1, c1 = self.window(item, now, 1)
        i3, c3 = self.window(item, now, 3)
        i24, c24 = self.window(item, now, 24)
        first = self.events[item][0][0] if self.events[item] else None
        last_n = [c for _, c in self.events[item][-50:]]
        decayed, weight, w = 0.0, 0.0, 1.0
        for _, c in reversed(self.events[item]):
            decayed, weight, w = decayed + w * c, weight + w, w * 0.99
        neighbours = collections.Counter()
        for h in set(history) | self.user_items[user]:
            for v in self.item_users[h]:
                if v != user:
                    neighbours[v] += 1
        return {
            "ctr_live (clicks+1)/(shown+20)": ctr,
            "ctr prior 4/80": (clicks + 4) / (shown + 80),
            "ctr last 1 h": (c1 + 1) / (i1 + 20),
            "ctr last 3 h": (c3 + 1) / (i3 + 20),
            "ctr last 24 h": (c24 + 1) / (i24 + 20),
            "ctr last 1 h, prior = ctr_live": (c1 + 10 * ctr) / (i1 + 10),
            "ctr last 50 showings": (sum(last_n) + 1) / (len(last_n) + 20),
            "ctr decayed 0.99 per showing": (decayed + 1) / (weight + 20),
            "clicks": clicks,
            "times shown": shown,
            "newness (-hours since first shown)": -(now - first).total_seconds() / 3600 if first else 0.0,
            "in the user's history": float(item in history),
            "co-clicked by users sharing history": sum(neighbours[v] for v in self.item_users[item]),
            "news id (publication order?)": int(item[1:]) if item[1:].isdigit() else 0,
        }

    def add(self, now, user, history, candidates):
        for h in history:
            self.user_items[user].add(h)
            self.item_users[h].add(user)
        for item, clicked in candidates:
            self.events[item].append((now, clicked))
            if clicked:
                self.user_items[user].add(item)
                self.item_users[item].add(user)


def pairwise_logistic(diffs, l2=1.0):
    scale = diffs.std(0) + 1e-9
    z = diffs / scale
    w = np.zeros(z.shape[1])
    for _ in range(30):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - 1) / len(z) + l2 * w / len(z)
        hessian = (z * (p * (1 - p))[:, None]).T @ z / len(z) + l2 * np.eye(len(w)) / len(z)
        w -= np.linalg.solve(hessian, grad)
    return w / scale


def main(directory):
    rows = load(directory)
    log = ItemLog()
    by_day = collections.defaultdict(list)  # day -> [(feature dicts, labels)]
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][0] == rows[i][0]:
            j += 1
        for now, user, history, candidates in rows[i:j]:
            labels = [c for _, c in candidates]
            if 0 < sum(labels) < len(labels):
                by_day[now.date().isoformat()].append(
                    ([log.candidate_features(now, user, history, item) for item, _ in candidates], labels))
        for now, user, history, candidates in rows[i:j]:
            log.add(now, user, history, candidates)
        i = j
    days = sorted(by_day)
    names = list(by_day[days[0]][0][0][0])
    print("signal".ljust(40) + "".join(d[5:].rjust(8) for d in days))
    for name in names:
        means = [np.mean([auc([f[name] for f in fs], ls) for fs, ls in by_day[d]]) for d in days]
        print(name.ljust(40) + "".join(f"{m:8.4f}" for m in means))

    # every signal together, as logs of rates and counts, in a pairwise logistic model fit on the days before
    def vector(f):
        return [math.log(max(v, 1e-4)) if name.startswith("ctr") else math.copysign(math.log1p(abs(v)), v)
                for name, v in f.items()]
    row = "pairwise logistic, all signals".ljust(40)
    for d, day in enumerate(days):
        if d == 0:
            row += "".rjust(8)
            continue
        diffs = []
        for earlier in days[:d]:
            for fs, ls in by_day[earlier]:
                x = np.array([vector(f) for f in fs])
                lab = np.array(ls)
                diffs.append((x[lab == 1][:, None, :] - x[lab == 0][None, :, :]).reshape(-1, x.shape[1]))
        w = pairwise_logistic(np.concatenate(diffs))
        row += f"{np.mean([auc(list(np.array([vector(f) for f in fs]) @ w), ls) for fs, ls in by_day[day]]):8.4f}"
    print(row)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/mind-sample")
