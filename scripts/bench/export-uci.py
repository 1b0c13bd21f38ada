#!/usr/bin/env python3
"""Re-makes the UCI datasets of samples/data/learning/ from scikit-learn's bundled copies (no network).

Feature names are sklearn's, made valid for the service (letters, digits, '_', '.', '-'; starting with a letter
or '_'): spaces and '/' become '_'. Labels are sklearn's target names (digits: "0".."9").

Usage: python3 scripts/bench/export-uci.py [OUT_DIR]   (default samples/data/learning)
"""
import os
import re
import sys

from sklearn import datasets


def clean(name):
    n = re.sub(r"[^A-Za-z0-9_.-]", "_", name.strip())
    n = re.sub(r"_+", "_", n).strip("_")
    if not re.match(r"[A-Za-z_]", n):
        n = "f_" + n
    return n


def fmt(v):
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def write(path, names, x, y, target_names):
    with open(path, "w", newline="") as f:
        f.write(",".join(names) + ",label\n")
        for row, c in zip(x, y):
            f.write(",".join(fmt(v) for v in row) + "," + str(target_names[int(c)]) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "samples", "data", "learning")
    os.makedirs(out, exist_ok=True)
    for file, loader in [("breast-cancer", datasets.load_breast_cancer), ("wine", datasets.load_wine),
                         ("digits", datasets.load_digits), ("iris", datasets.load_iris)]:
        d = loader()
        names = [clean(n) for n in d.feature_names]
        assert len(set(names)) == len(names), names
        target_names = [str(t) for t in d.target_names]
        write(os.path.join(out, file + ".csv"), names, d.data, d.target, target_names)
        print(f"{file}.csv: {d.data.shape[0]} rows x {d.data.shape[1]} features, classes {target_names}")


if __name__ == "__main__":
    main()
