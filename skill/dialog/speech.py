"""Turning decisions into utterances, with the words from the phrasebook.

Kept apart from the manager so that the manager reads as decisions and this as wording.
Variants rotate with the turn number: deterministic, so tests and transcripts are repeatable.
"""
from __future__ import annotations

from typing import Optional

from ..triage.engine import Assessment
from ..triage.findings import Disposition
from ..triage.history import Recent
from .events import Segment, Utter
from .keys import ORDINALS, QUESTION_FINDINGS, REQUIRED
from .phrasebook import Phrasebook
from .spoken import number_words, spell_digits
from .state import Config, Pending


class Speech:
    """Builds utterances for one language and configuration."""

    def __init__(self, phrasebook: Phrasebook, config: Config) -> None:
        self.book = phrasebook
        self.config = config
        self._asked: dict[tuple[Pending, int, bool], Utter] = {}

    def line(self, key: str, turn: int = 0, **params: str) -> Utter:
        return Utter(self.book.say(key, turn, **params))

    def _items(self, qid: str, findings: tuple[str, ...]) -> str:
        return self.book.join_items([self.book.say(f"item.{qid}.{f}") for f in findings])

    def ask(self, pending: Pending, turn: int, again: bool = False) -> Utter:
        """The question for `pending`; `again` rephrases it after a miss.

        Memoised: the words depend only on these arguments and the phrasebook, and the same
        questions are asked in conversation after conversation (Utter is frozen, so shared)."""
        key = (pending, turn, again)
        asked = self._asked.get(key)
        if asked is None:
            if len(self._asked) >= 4096:
                self._asked.clear()
            asked = self._asked[key] = self._ask(pending, turn, again)
        return asked

    def _ask(self, pending: Pending, turn: int, again: bool) -> Utter:
        asking = pending.asking
        if pending.kind == "check":
            text = self.book.say(f"check.{pending.id}", turn)
        elif pending.kind == "confirm":
            text = self.book.say("diary.forget.confirm", turn)
        elif pending.kind == "heard":
            # Not "you said no, is that right?", whose "no" would be ambiguous: the sign is asked
            # again, plainly, so that a yes or a no means what it says.
            ask = self.book.say(f"reprompt.{pending.id}", turn, items=self._items(pending.id, asking)) \
                if len(QUESTION_FINDINGS[pending.id]) > 1 else self.book.say(f"reprompt.{pending.id}", turn)
            text = f"{self.book.say('heard.confirm', turn)} {ask}"
        elif pending.kind == "which":
            text = self.book.say(f"which.{pending.id}", turn, items=self._items(pending.id, asking))
        elif pending.kind == "clarify":
            text = self._clarify(pending, turn)
        elif pending.kind == "item":
            # One thing at a time, after a miss or "I don't know": the simple form, one item.
            asking = asking[:1]
            text = self.book.say(f"reprompt.{pending.id}", turn, items=self._items(pending.id, asking))
        else:
            key = f"{'reprompt' if again else 'ask'}.{pending.id}"
            if len(QUESTION_FINDINGS[pending.id]) > 1:
                text = self.book.say(key, turn, items=self._items(pending.id, asking))
            else:
                text = self.book.say(key, turn)
        return Utter(text, asking=asking, expects_reply=True)

    def _clarify(self, pending: Pending, turn: int) -> str:
        """After a hedge: one short question, "is that a yes?" (invariant 10)."""
        if len(pending.asking) > 1:
            which = self.book.say(f"which.{pending.id}", turn,
                                  items=self._items(pending.id, pending.asking))
            return f"{self.book.say('clarify.lead', turn)} {which}"
        if pending.asking == ("eased_by_stretching",):
            return self.book.say("clarify.eased", turn)
        return self.book.say("clarify.one", turn)

    def signs(self, findings: tuple[str, ...]) -> str:
        """What could not be ruled out, as nouns for "I couldn't rule out ..."."""
        return self.book.join_items([self.book.say(f"sign.{f}") for f in findings])

    def say(self, key: str, turn: int = 0, **params: str) -> Utter:
        """A line, given the emergency number (digit by digit) when its words name it."""
        if "number" in REQUIRED.get(key, ()):
            params["number"] = spell_digits(self.config.emergency_number)
        return Utter(self.book.say(key, turn, **params))

    def because(self, assessment: Assessment, turn: int, diary_week: Optional[int] = None) -> Utter:
        reasons = [self._reason(rule, diary_week) for rule in assessment.deciding[:2]]
        return self.line("advice.because", turn, reasons=self.book.join_items(reasons, "and"))

    def _reason(self, rule: str, diary_week: Optional[int]) -> str:
        """A rule's reason; frequent cramps counted by the diary say how many ("your fourth")."""
        if rule != "D2" or diary_week is None:
            return self.book.say(f"reason.{rule}")
        if diary_week in ORDINALS:
            return self.book.say("reason.D2_diary", count=self.book.say(f"ordinal.{diary_week}"))
        return self.book.say("reason.D2_diary_many", count=_words(diary_week))

    def advice(self, assessment: Assessment, turn: int, diary_week: Optional[int] = None,
               not_eased: bool = False) -> list[Utter]:
        """The advice for a disposition, its reasons, and the safety net where it belongs.

        `diary_week`: this week's cramps by the diary, tonight included, when the diary (not the
        person) supplied how often cramps come. `not_eased`: a cramp still there after the
        guided stretch, told the ten-minute limit (triage-rules.md, Definitions; rule U3)."""
        level = assessment.disposition
        number = spell_digits(self.config.emergency_number)
        lines = []
        if level == Disposition.EMERGENCY:
            lines.append(self.line("advice.emergency", turn, number=number))
        else:
            lines.append(self.line(f"advice.{level.id}", turn))
        if level != Disposition.SELF_CARE:  # self-care has one reason, said in its advice
            lines.append(self.because(assessment, turn, diary_week))
        if not_eased and level < Disposition.URGENT:
            lines.append(self.line("advice.ten_minutes", turn))
        if "D5" in assessment.rules and level == Disposition.DOCTOR:
            lines.append(self.line("advice.medicines_note", turn))
        if level == Disposition.SELF_CARE:
            lines.append(self.line("self_care.after", turn))
        if level <= Disposition.DOCTOR:
            lines.append(self.line("safety_net", turn))
        return lines

    def routine(self, routine: str, turn: int) -> list[Utter]:
        """A guided routine: the intro, then one utterance per step with its pause."""
        hold = self.config.hold_seconds
        lines = [Utter(self.book.say(f"guide.{routine}.intro", turn), guide=routine)]
        for step in self.book.steps(routine):
            lines.append(Utter(step.render(hold), pause_s=step.pause_s(hold), guide=routine))
        return lines

    def knowledge(self, intent: str, slots: dict, turn: int) -> Optional[Utter]:
        keys = {
            "AskCauses": "knowledge.causes",
            "AskPrevention": "knowledge.prevention",
            "AskCrampOrClot": "knowledge.cramp_or_clot",
            "AskClotSigns": "knowledge.clot_signs",
            "AskWhenToSeeDoctor": "knowledge.when_to_see_doctor",
        }
        if intent == "AskRemedies":
            remedy = slots.get("remedy", "other")
            return self.line(f"remedies.{remedy if remedy in ('quinine', 'magnesium') else 'other'}", turn)
        key = keys.get(intent)
        return self.line(key, turn) if key else None

    # --- the cramp diary -----------------------------------------------------------------

    def diary(self, segment: Segment, recent: Optional[Recent], turn: int) -> Utter:
        """The answer to a question about the diary, from its summary."""
        if recent is None:
            return self.line("diary.disabled", turn)
        if segment.intent == "AskDiaryCount":
            month = segment.slots.get("period") == "month"
            count = recent.cramps_30d if month else recent.cramps_7d
            key = f"diary.count.{'month' if month else 'week'}"
            if count <= 1:
                return self.line(f"{key}_{'one' if count else 'none'}", turn)
            return self.line(key, turn, count=_words(count))
        if recent.cramps_total == 0:
            return self.line("diary.empty", turn)
        if segment.intent == "AskDiaryLast":
            when = self._when(recent)
            if recent.last_side:
                return self.line("diary.last", turn, when=when,
                                 leg=self.book.say(f"diary.side.{recent.last_side}"))
            return self.line("diary.last_no_leg", turn, when=when)
        # AskDiaryLeg
        if recent.most_side is None:
            return self.line("diary.leg.even", turn)
        return self.line("diary.leg.most", turn, leg=self.book.say(f"diary.side.{recent.most_side}"),
                         count=_words(recent.most_side_count), total=_words(recent.cramps_total))

    def _when(self, recent: Recent) -> str:
        ago = recent.last_days_ago or 0
        if ago == 0:
            return self.book.say("diary.when.today")
        if ago == 1:
            return self.book.say("diary.when.yesterday")
        if ago < 14 and recent.last_weekday is not None:
            return self.book.say("diary.when.days_ago", count=_words(ago),
                                 weekday=self.book.say(f"weekday.{recent.last_weekday}"))
        return self.book.say("diary.when.weeks_ago", count=_words(round(ago / 7)))


def _words(n: int) -> str:
    return number_words(max(0, min(n, 999)))
