"""Differential oracle for PL401/PL402: runs a norm class before and after
paramlint's unsafe fix under real PyTorch and compares both with
torch.nn.functional.layer_norm.

Usage: norm_fix_oracle.py BEFORE.py AFTER.py CLASS:WIDTH:EPS:UNBIASED:PLACEMENT ...

UNBIASED is 0 or 1 and PLACEMENT `sqrt`, `std`, `clampstd` or `clampvar`:
what the class computes before the fix.

For each class (built with WIDTH as its only argument, default weights: scale
ones, shift zeros) prints one JSON object per line:
  class, width, eps,
  before_factor: median of before/reference over ordinary rows (where the
      reference is not near zero): the factor the PL401 message predicts,
  before_max_rel: max relative difference of before against the reference,
  before_formula_error: max over rows of |measured / predicted - 1| with the
      prediction per row, near-constant rows included: sqrt(v + eps) /
      (sqrt(v') + eps) for eps added to the std, sqrt(v + eps) / sqrt(v' + eps)
      for eps inside the sqrt, sqrt(v + eps) / max(sqrt(v'), eps) for a std
      clamped at eps, sqrt(v + eps) / sqrt(max(v', eps)) for a variance
      clamped at eps (v the biased variance, v' the one the class takes),
  after_close: the fixed class passes torch.testing.assert_close against the
      reference (float64 defaults),
  after_max_abs: its max abs difference.
"""
import importlib.util
import json
import sys

import torch
import torch.nn.functional as F


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(width):
    g = torch.Generator().manual_seed(1234)
    ordinary = torch.randn(64, width, generator=g) * 2.0 + 0.5
    near = torch.rand(16, 1, generator=g) * 6 - 3 + 1e-3 * torch.randn(16, width, generator=g)
    return ordinary, near


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    before, after = load(sys.argv[1], "before"), load(sys.argv[2], "after")
    for spec in sys.argv[3:]:
        name, width, eps, unbiased, placement = spec.split(":")
        width, eps, unbiased = int(width), float(eps), unbiased == "1"
        # float64 throughout: the semantics are compared, not fp32 rounding
        # (fp32 F.layer_norm itself loses digits on the near-constant rows).
        b = getattr(before, name)(width).double()
        a = getattr(after, name)(width).double()
        ordinary, near = rows(width)
        x = torch.cat([ordinary, near]).double()
        with torch.no_grad():
            ref = F.layer_norm(x, (width,), None, None, eps)
            yb, ya = b(x), a(x)
        mask = ref[:64].abs() > 0.1
        factor = (yb[:64][mask] / ref[:64][mask]).median().item()
        rel = ((yb - ref).abs() / ref.abs().clamp_min(1e-12)).max().item()
        # Per row: the class's divisor (biased or unbiased) and eps placement.
        v = x.var(-1, unbiased=False)
        vu = x.var(-1, unbiased=True)
        taken = vu if unbiased else v
        if placement == "std":
            predicted = (v + eps).sqrt() / (taken.sqrt() + eps)
        elif placement == "clampstd":
            predicted = (v + eps).sqrt() / taken.sqrt().clamp(min=eps)
        elif placement == "clampvar":
            predicted = (v + eps).sqrt() / taken.clamp(min=eps).sqrt()
        else:
            predicted = (v + eps).sqrt() / (taken + eps).sqrt()
        measured = (yb * ref).sum(-1) / (ref ** 2).sum(-1)
        formula_error = ((measured / predicted) - 1).abs().max().item()
        try:
            torch.testing.assert_close(ya, ref)
            close = True
        except AssertionError:
            close = False
        print(json.dumps({
            "class": name, "width": width, "eps": eps,
            "before_factor": factor, "before_max_rel": rel,
            "before_formula_error": formula_error,
            "after_close": close,
            "after_max_abs": (ya - ref).abs().max().item(),
        }))


if __name__ == "__main__":
    main()
