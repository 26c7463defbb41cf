"""The script steps of the new-attendance wizard (:class:`~workbench.services.wizard.AttendanceDraft`):
the title's troubleshooting script question by question, going back, ending early, and the report of
the questions asked and the answers given. Answers kept on a draft are checked again against the
script when a draft is resumed (:meth:`ScriptWalk._restore_answers`)."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.frame import Frame, missing

from workbench.errors import ValidationError, WorkbenchError
from workbench.services import arguments

F_OPTIONS = "Opções"


@dataclass
class _Answer:
    question_id: str
    option_index: int


class ScriptWalk:
    """The script steps of a draft; the draft holds the state (``_script``, ``_answers``, ``_position``,
    ``_script_ended``, ``_ended_early``) and gives ``_check_open``, ``validate_data`` and ``_title_row``."""

    # -- script step ------------------------------------------------------------
    @property
    def has_script(self) -> bool:
        row = self._title_row()
        return row is not None and not missing(row["script_code"]) and bool(row["script_code"])

    def start_script(self) -> None:
        """Load the title's script (latest version) after the data step is valid."""
        self._check_open()
        self.validate_data()
        if not self.has_script:
            self._script = None
            return
        code = self._title_row()["script_code"]
        if self._script is None or self._script[1]["code"] != code:
            loaded = self.session.workbench.store.script_definition(code)
            if loaded is None:
                raise WorkbenchError(f"O script '{code}' não está cadastrado.")
            self._script = loaded
            self._reset_script(keep_definition=True)

    @property
    def script_name(self) -> str | None:
        return self._script[1]["name"] if self._script else None

    @property
    def script_ended(self) -> bool:
        return self._script is None or self._script_ended

    @property
    def question(self) -> dict | None:
        """The question on screen, or None when the script has ended."""
        if self._script is None or self._script_ended:
            return None
        qid = self._question_id_at(self._position)
        q = self._script[1]["questions"][qid]
        return {"id": qid, "text": q["text"], "client_explanation": q["client_explanation"],
                "operator_explanation": q["operator_explanation"],
                "options": [o["text"] for o in q["options"]]}

    @property
    def current_answer(self) -> int | None:
        """The answer already given to the question on screen (after going back)."""
        if self._position < len(self._answers):
            return self._answers[self._position].option_index
        return None

    def answer(self, option_index: int) -> None:
        """Record the client's answer and move to the next question or to the end."""
        self._check_open()
        q = self.question
        if q is None:
            raise ValidationError("O script já foi encerrado.", field=F_OPTIONS)
        if option_index is None:
            raise ValidationError("Marque a resposta dada pelo cliente.", field=F_OPTIONS)
        option_index = arguments.integer(option_index, F_OPTIONS)
        if not 0 <= option_index < len(q["options"]):
            raise ValidationError(f"Marque a resposta dada pelo cliente (opções de 0 a {len(q['options']) - 1}).",
                                  field=F_OPTIONS)
        if self._position < len(self._answers):
            if self._answers[self._position].option_index != option_index:
                del self._answers[self._position:]          # a changed answer drops what followed it
        if self._position == len(self._answers):
            self._answers.append(_Answer(q["id"], option_index))
        nxt = self._script[1]["questions"][q["id"]]["options"][option_index]["next"]
        if nxt is None:
            self._script_ended, self._ended_early = True, False
            del self._answers[self._position + 1:]
        else:
            self._position += 1

    def end_script(self) -> None:
        """End the script early (the answers so far make the report)."""
        self._check_open()
        if self._script is not None and not self._script_ended:
            del self._answers[self._position:]
            self._script_ended, self._ended_early = True, True

    def script_back(self) -> bool:
        """Show the previous question again; False when already at the first one."""
        if self._script is None:
            return False
        if self._script_ended:              # back to the question the script ended on
            self._script_ended = False
            return True
        if self._position == 0:
            return False
        self._position -= 1
        return True

    def report(self) -> Frame:
        """The questions asked and the answers given, in order."""
        rows = []
        if self._script is not None:
            questions = self._script[1]["questions"]
            for seq, ans in enumerate(self._answers, 1):
                q = questions[ans.question_id]
                rows.append({"seq": seq, "question": q["text"], "answer": q["options"][ans.option_index]["text"]})
        return Frame.from_records(rows, ["seq", "question", "answer"])

    def _restore_answers(self, state: dict) -> None:
        questions = self._script[1]["questions"]
        qid = self._script[1]["start"]
        kept: list[_Answer] = []
        for item in state.get("answers") or []:
            try:
                question_id, index = str(item[0]), int(item[1])
            except (TypeError, ValueError, IndexError):
                break
            if question_id != qid or question_id not in questions or \
                    not 0 <= index < len(questions[question_id]["options"]):
                break
            kept.append(_Answer(question_id, index))
            qid = questions[question_id]["options"][index]["next"]
            if qid is None:
                break
        self._answers = kept
        ended = bool(state.get("script_ended"))
        reached_end = qid is None and bool(kept)
        self._script_ended = ended and (reached_end or bool(state.get("ended_early")))
        self._ended_early = self._script_ended and not reached_end
        position = state.get("position")
        limit = len(kept) - 1 if reached_end else len(kept)
        self._position = min(position, limit) if isinstance(position, int) and position >= 0 else limit

    def _reset_script(self, keep_definition: bool = False) -> None:
        if not keep_definition:
            self._script = None
        self._answers, self._position = [], 0
        self._script_ended = self._ended_early = False

    def _question_id_at(self, position: int) -> str:
        qid = self._script[1]["start"]
        questions = self._script[1]["questions"]
        for ans in self._answers[:position]:
            qid = questions[ans.question_id]["options"][ans.option_index]["next"]
        return qid
