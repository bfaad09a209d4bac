import numpy as np
from scipy import stats
def lcg(seed, n, scale=1.0, shift=0.0):
    x = seed; out = []
    for _ in range(n):
        s = 0
        for _ in range(3):
            x = (1664525 * x + 1013904223) % 2**32
            s += x
        out.append((s / 2**32 - 1.5) * scale + shift)
    return out
cases = [
  ("equal50", lcg(1, 50), lcg(2, 50, shift=0.3)),
  ("unequal60x45", lcg(3, 60), lcg(4, 45, scale=1.5)),
  ("ties", [float(np.floor(v*4)) for v in lcg(5, 200)], [float(np.floor(v*4)) for v in lcg(6, 150, shift=0.1)]),
  ("asymp12000x3000", lcg(7, 12000), lcg(8, 3000, shift=0.02)),
  ("asymp20000x100", lcg(9, 20000), lcg(10, 100, shift=0.1)),
  ("asymp15000x11000shifted", lcg(11, 15000), lcg(12, 11000, shift=0.05)),
]
for name, a, b in cases:
    r = stats.ks_2samp(a, b)
    print(f'("{name}", {r.statistic!r}, {r.pvalue!r}),')
print("kstwo")
for n, x in [(50, 0.005), (50, 0.015), (50, 0.1), (50, 0.2), (50, 0.35), (50, 0.6), (50, 0.99), (1000, 0.01), (1000, 0.03), (1000, 0.05), (1000, 0.2), (200000, 0.001), (200000, 0.002), (200000, 0.003), (5000, 0.02)]:
    print(f'({n}, {x}, {stats.kstwo.sf(x, n)!r}),')
print("chi2")
for t in [ [[10, 20, 30], [15, 15, 25]], [[12, 5], [7, 19]], [[5, 9, 14, 3], [8, 2, 11, 7], [6, 6, 6, 9]], [[1000, 2000, 50], [900, 2300, 80]] ]:
    c, p, dof, _ = stats.chi2_contingency(t)
    print(f'({t}, {c!r}, {p!r}, {dof}),')
print("psi")
def psi(ref, cur):
    edges = np.unique(np.percentile(ref, np.arange(10, 100, 10)))
    def shares(v):
        idx = np.searchsorted(edges, np.asarray(v), side='left')
        return np.bincount(idx, minlength=len(edges)+1) / len(v)
    r = np.maximum(shares(ref), 1e-4); c = np.maximum(shares(cur), 1e-4)
    return float(np.sum((c - r) * np.log(c / r)))
for name, a, b in cases[:4]:
    print(f'("{name}", {psi(a, b)!r}),')
