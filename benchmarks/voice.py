"""Figure 8: the public vignettes heard, not typed (issue 14; tests/voice/README.md).

    uv run python -m benchmarks --voice        (or: uv run python -m benchmarks.voice)

Every line of the simulated patient is spoken by flite, degraded or not, recognised by
pocketsphinx with the grammar-trained model or the bundled general one, and the recognised text
is what an in-process Session hears. Per recogniser x condition: word error rate, findings
error against the typed run, exact dispositions, serious under-triage; then the recogniser's
confidence on every heard answer that rules out an emergency sign, against whether it was
right, and the confirmation threshold that data suggests. Needs flite and sox (Debian) and
pocketsphinx (a dev dependency). 7 to 10 minutes on 2 cores, most of it the open model on the
noisy room (plus some 2 minutes once per grammar change, to train the grammar's model).
"""
from __future__ import annotations

import sys
import time
from typing import Any

from .report import Figure, check, goals, table

SECTION = "8 heard, not typed (public vignettes, flite -> pocketsphinx -> Session)"
CONFIRM_OFF = 0.0  # measure recognition alone; the threshold is proposed from these runs
THRESHOLDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


def measure(log=lambda text: None) -> dict[str, Any]:
    from tests.voice import audio, grammar_lm, harness

    missing = audio.missing_tools()
    if missing:
        return {"error": f"apt-get install {' '.join(sorted(set(missing)))}"}
    t0 = time.perf_counter()
    grammar_lm.train(balance_counts=True)
    trained_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    typed = harness.run(None, confirm_below=CONFIRM_OFF)
    out: dict[str, Any] = {"seconds": {"train_grammar_lm": trained_s, "typed": time.perf_counter() - t0},
                           "runs": {}}
    for kind in ("grammar", "open"):
        for condition in audio.CONDITIONS:
            log(f"voice: {kind} recogniser, {condition.describe()}")
            t0 = time.perf_counter()
            results = harness.run(kind, condition, confirm_below=CONFIRM_OFF)
            name = f"{kind}/{condition.name}"
            out["seconds"][name] = time.perf_counter() - t0
            out["runs"][name] = {"condition": condition.describe(),
                                 "summary": harness.summarise(results, typed), "results": results}
    out["typed"] = harness.summarise(typed, typed)
    every = [u for run in out["runs"].values() for u in harness.rule_outs(run["results"])]
    out["rule_outs"] = {"table": harness.threshold_table(every, THRESHOLDS),
                        "wrong": [{k: u[k] for k in ("said", "heard", "confidence", "rules_out", "asking")}
                                  for u in every if not u["truly_absent"]]}
    out["confidence"] = _confidence_by_rightness(out["runs"])
    return out


def _confidence_by_rightness(runs: dict[str, Any]) -> dict[str, Any]:
    """Median confidence of right and of wrong recognitions, per run, for the notes."""
    from .report import median

    by = {}
    for name, run in runs.items():
        us = [u for r in run["results"] for u in r["utterances"]]
        by[name] = {"right_median": median([u["confidence"] for u in us if u["right"]]),
                    "wrong_median": median([u["confidence"] for u in us if not u["right"]]),
                    "right": sum(u["right"] for u in us), "utterances": len(us)}
    return by


def figures(v: dict[str, Any]) -> list[Figure]:
    if "error" in v:
        return [Figure(SECTION, f"not measured: {v['error']}", None, "")]
    typed = v["typed"]
    out = []
    for name, run in v["runs"].items():
        s = run["summary"]
        grammar_clean, clean = name == "grammar/clean", name.endswith("/clean")
        out += [
            Figure(SECTION, f"{name}: word error rate", 100 * s["wer"], "%"),
            Figure(SECTION, f"{name}: findings error vs typed", 100 * s["findings_error"], "%"),
            Figure(SECTION, f"{name}: exact dispositions", s["exact"], f"of {s['cases']}",
                   typed["exact"], "typed", ">= 28" if grammar_clean else "",
                   check(s["exact"], lambda x: x >= 28) if grammar_clean else None),
            Figure(SECTION, f"{name}: serious under-triage", s["serious_under_triage"], "cases",
                   None, "", "0" if clean else "",
                   check(s["serious_under_triage"], lambda x: x == 0) if clean else None),
        ]
    return out


def notes(v: dict[str, Any]) -> str:
    if "error" in v:
        return f"voice: not measured ({v['error']})"
    lines = ["Heard answers that rule out an emergency sign (every run), by confidence threshold:"]
    for row in v["rule_outs"]["table"]:
        lines.append(f"  below {row['threshold']:<5} re-asks {row['right_reasked']:>3} of {row['right']} right, "
                     f"catches {row['wrong_caught']} of {row['wrong']} wrong")
    for u in v["rule_outs"]["wrong"]:
        lines.append(f"  wrong rule-out: said {u['said']!r}, heard {u['heard']!r}, "
                     f"confidence {u['confidence']:.3f}, rules out {', '.join(u['rules_out'])}")
    for name, c in v["confidence"].items():
        lines.append(f"  {name}: {c['right']} of {c['utterances']} utterances heard word for word; "
                     f"median confidence right {c['right_median']:.3f}, wrong {c['wrong_median']:.3f}")
    for name, run in v["runs"].items():
        s = run["summary"]
        if s["misses"]:
            lines.append(f"  {name} misses: {'; '.join(s['misses'])}")
    lines.append("Seconds: " + ", ".join(f"{k} {t:.0f}" for k, t in v["seconds"].items()))
    return "\n".join(lines)


def main(out=None) -> int:
    from .procs import ROOT
    from .report import write_json

    v = measure(lambda text: print(f"[voice {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True))
    figs = figures(v)
    print(table(figs))
    print()
    print(notes(v))
    print("\nGoals:\n" + "\n".join(f"  {line}" for line in goals(figs)))
    out = out or ROOT / "benchmarks" / "results" / "voice.json"
    write_json(out, figs, v)
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
