"""Shows with real PyTorch that the key findings paramlint reports are real.

Usage: keys_oracle.py FIXTURE DIAGNOSTICS_JSON

The fixture runs with `torch.nn.Module.load_state_dict` wrapped: every call
is made non-strict so torch itself reports its missing and unexpected keys
(a strict call that would fail still raises afterwards). Keys are compared
as patterns, indices replaced by `*`.

- PL102: the flagged key (the first backticked name of the message) is one
  torch reports as unexpected.
- PL105: the keys the message says the dict has but the model lacks equal
  torch's unexpected keys of a strict=False call, and the keys it says the
  dict never gets equal torch's missing keys.

Prints `checked N diagnostic(s), M failure(s)`; exits 1 on a failure or
when nothing was checked.
"""
import json
import re
import runpy
import sys

sys.dont_write_bytecode = True

import torch  # noqa: E402


def pattern(key):
    return re.sub(r"(?<=\.)\d+(?=\.|$)", "*", key)


def backticked(text):
    return re.findall(r"`([^`]*)`", text)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    fixture, diag_path = argv[1], argv[2]
    with open(diag_path, encoding="utf-8") as f:
        diagnostics = [d for d in json.load(f) if d["code"] in ("PL102", "PL105")]

    calls = []
    original = torch.nn.Module.load_state_dict

    def recording(self, state_dict, strict=True):
        result = original(self, state_dict, strict=False)
        calls.append((strict, [pattern(k) for k in result.missing_keys],
                      [pattern(k) for k in result.unexpected_keys]))
        if strict and (result.missing_keys or result.unexpected_keys):
            raise RuntimeError("strict load_state_dict failed (recorded)")
        return result

    torch.nn.Module.load_state_dict = recording
    torch.manual_seed(0)
    try:
        runpy.run_path(fixture, run_name="__main__")
    except RuntimeError as error:
        if "recorded" not in str(error):
            raise
    finally:
        torch.nn.Module.load_state_dict = original

    unexpected = {k for _, _, u in calls for k in u}
    failures = 0
    for d in diagnostics:
        where = f"{fixture}:{d['location']['row']}"
        names = backticked(d["message"])
        if d["code"] == "PL102":
            ok = names and names[0] in unexpected
            detail = f"key {names[:1]} vs torch's unexpected {sorted(unexpected)}"
        else:
            has, _, never = d["message"].partition("it never gets")
            claimed_unexpected = {n for n in backticked(has)[1:] if "*" in n or "." in n}
            claimed_missing = set(backticked(never))
            ok = any(not strict and set(u) == claimed_unexpected and set(m) == claimed_missing
                     for strict, m, u in calls)
            detail = (f"claims unexpected {sorted(claimed_unexpected)} missing "
                      f"{sorted(claimed_missing)}; torch saw {calls}")
        print(f"{where}: {d['code']} {'confirmed' if ok else 'NOT confirmed'}: {detail}")
        failures += 0 if ok else 1
    print(f"checked {len(diagnostics)} diagnostic(s), {failures} failure(s)")
    return 1 if failures or not diagnostics else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
