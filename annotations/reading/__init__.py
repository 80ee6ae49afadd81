"""Reading and correcting one document, without Textual: the open-suggestion rule
(`rules`), token steps for boundary edits (`tokens`), the undoable writes (`commands`,
`writes`) and the session the Reader screen drives (`session`)."""

from annotations.reading.rules import open_claim_suggestions, open_suggestions
from annotations.reading.session import Feedback, Mark, ReadingSession

__all__ = ["Feedback", "Mark", "ReadingSession", "open_claim_suggestions", "open_suggestions"]
