#!/usr/bin/env python3
"""Re-makes samples/data/learning/moons.csv and moons-drift.csv (two moons, 3,000 rows, noise 0.2, fixed seeds).

moons.csv: sklearn.datasets.make_moons, rows in generation order (already random).
moons-drift.csv: the same generator (another fixed seed); the rows are the stream in order: the second half
(rows 1,501-3,000) is rotated 60 degrees counter-clockwise about the moons' centre (0.5, 0.25), i.e. the concept
P(label | x, y) changes half-way. The benchmark streams this file in file order (see scripts/bench/learning.py).

Usage: python3 scripts/bench/make-moons.py [OUT_DIR]   (default samples/data/learning)
Needs scikit-learn (python3-sklearn) and numpy.
"""
import math
import os
import sys

import numpy as np
from sklearn.datasets import make_moons

ROWS = 3000
NOISE = 0.2
SEED_MOONS = 20261206
SEED_DRIFT = 20261207
ANGLE_DEG = 60.0
CENTRE = (0.5, 0.25)
CLASSES = ["upper", "lower"]  # make_moons: 0 = the upper moon, 1 = the lower one (as samples/data/two-moons.csv)


def write(path, x, y):
    with open(path, "w", newline="") as f:
        f.write("x,y,label\n")
        for (a, b), c in zip(x, y):
            f.write(f"{a:.4f},{b:.4f},{CLASSES[int(c)]}\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "samples", "data", "learning")
    os.makedirs(out, exist_ok=True)
    x, y = make_moons(n_samples=ROWS, noise=NOISE, shuffle=True, random_state=SEED_MOONS)
    write(os.path.join(out, "moons.csv"), x, y)

    x, y = make_moons(n_samples=ROWS, noise=NOISE, shuffle=True, random_state=SEED_DRIFT)
    t = math.radians(ANGLE_DEG)
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    centre = np.array(CENTRE)
    half = ROWS // 2
    x = x.copy()
    x[half:] = (x[half:] - centre) @ rot.T + centre
    write(os.path.join(out, "moons-drift.csv"), x, y)
    print(f"wrote moons.csv and moons-drift.csv ({ROWS} rows each, drift from row {half + 1}) to {os.path.abspath(out)}")


if __name__ == "__main__":
    main()
