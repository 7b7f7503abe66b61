"""An independent reading of docs/triage-rules.md, written as plain ifs.

It exists only to check the table-driven core against a second implementation: if the two ever
disagree on a set of findings, one of them misreads the spec.
"""
U = "unknown"
RISKS = ("recent_surgery_or_bedrest", "long_travel", "previous_clot", "cancer",
         "pregnant_or_postpartum", "hormone_medication")


def present(f, k):
    return f.get(k) in (True, U)


def reference(f: dict) -> tuple[str, list[str]]:
    """(disposition, matched rule ids) for complete or partial findings (absent = not reported)."""
    eased_cramp = f.get("duration") in ("seconds", "minutes") and f.get("eased_by_stretching") is True

    def clot(k, yes=True):
        return f.get(k) == yes or (f.get(k) == U and not eased_cramp)

    m = []
    if present(f, "breathless") or present(f, "chest_pain") or present(f, "coughing_blood"):
        m.append("E1")
    if present(f, "fainting"):
        m.append("E2")
    if present(f, "cold_pale_leg") or present(f, "numb_or_weak_leg"):
        m.append("E3")
    if present(f, "saddle_numbness_or_incontinence"):
        m.append("E4")
    if present(f, "fever") and (clot("redness") or clot("warmth")):
        m.append("E5")
    emergency = bool(m)
    if clot("swelling", "one_leg"):
        m.append("U1")
    if clot("warmth") or clot("redness"):
        m.append("U2")
    if (f.get("duration") in ("over_10_minutes", "hours", "days", U)
            and f.get("eased_by_stretching") in (False, U)):
        m.append("U3")
    if present(f, "bruising"):
        m.append("U4")
    if (f.get("pain_side") in ("left", "right", U) and f.get("duration") in ("hours", "days", U)
            and any(present(f, r) for r in RISKS)):
        m.append("U5")
    urgent = any(r.startswith("U") for r in m)
    if present(f, "pain_walking_eased_by_rest"):
        m.append("D1")
    n = f.get("cramps_per_week")
    if n == U or (isinstance(n, int) and not isinstance(n, bool) and n >= 3):
        m.append("D2")
    if f.get("swelling") == "both_legs" and not emergency:
        m.append("D3")
    if present(f, "back_pain_radiating") and "E4" not in m:
        m.append("D4")
    if present(f, "cramp_medication"):
        m.append("D5")
    if present(f, "chronic_condition"):
        m.append("D6")
    if present(f, "recent_injury") and not urgent:
        m.append("D7")
    if not m:
        typical = (eased_cramp and f.get("pain_location") in ("calf", "foot", "toes", "thigh")
                   and f.get("swelling") in ("none", U) and f.get("warmth") in (False, U)
                   and f.get("redness") in (False, U))
        m.append("S" if typical else "D8")
    level = {"E": "emergency", "U": "urgent", "D": "doctor", "S": "self_care"}
    order = ["self_care", "doctor", "urgent", "emergency"]
    return max((level[r[0]] for r in m), key=order.index), m
