"""Rich renderables for the text screens: slides, library entries, quiz cards.

Pure functions of content and state, testable by rendering to a Console.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text

from tutor.content.model import Deck, Slide
from tutor.quiz import CHOICE_KEYS, Answer, RoundQuestion, Score
from tutor.viz.ascii import AsciiOnly


def plain(renderable: RenderableType, ascii: bool) -> RenderableType:
    return AsciiOnly(renderable) if ascii else renderable


def slide_body(slide: Slide, ascii: bool = False) -> RenderableType:
    """A slide's Markdown, with code blocks in a theme that survives no-colour."""
    return plain(Markdown(slide.body, code_theme="ansi_dark", hyperlinks=False), ascii)


def format_minutes(minutes: float) -> str:
    if minutes >= 1:
        return f"~{round(minutes)} min left"
    return "<1 min left" if minutes > 0 else "done"


def slide_position(deck: Deck, index: int) -> str:
    """'slide n of N · ~m min left', the part of the header never cut short."""
    return f"slide {index + 1} of {len(deck.slides)}  ·  {format_minutes(deck.minutes_left(index))}"


def deck_entry(deck: Deck, seen: int, best: tuple[int, int] | None,
               resume_at: int | None) -> Text:
    """One deck in the library: title, summary, length and the learner's progress."""
    text = Text()
    text.append(deck.title, style="bold")
    text.append(f"\n{deck.summary}\n", style="")
    facts = [f"{len(deck.slides)} slides", f"{deck.minutes:g} min"]
    if deck.prerequisites:
        facts.append("after: " + ", ".join(deck.prerequisites))
    text.append("  ·  ".join(facts), style="dim")
    progress = [f"seen {seen}/{len(deck.slides)}"]
    if resume_at is not None:
        progress.append(f"left off at slide {resume_at + 1}")
    progress.append(f"best quiz {best[0]}/{best[1]}" if best else "quiz not taken")
    text.append("\n" + "  ·  ".join(progress), style="italic")
    return text


def choice_label(position: int) -> str:
    return f"{position + 1}/{CHOICE_KEYS[position]}"


def question_card(item: RoundQuestion, number: int, total: int, highlighted: int,
                  given: Answer | None, slide_title: str) -> Group:
    """The question, its choices and, once answered, the verdict and why."""
    parts: list[RenderableType] = [
        Text(f"Question {number} of {total}  ·  {item.question.topic}", style="dim"),
        Text(item.question.prompt + "\n", style="bold"),
    ]
    for position, choice in enumerate(item.choices):
        marker, style = "  ", ""
        if given is None and position == highlighted:
            marker, style = "> ", "reverse"
        elif given is not None and position == item.correct:
            marker, style = "✓ ", "bold green"
        elif given is not None and position == given.shown_choice:
            marker, style = "✗ ", "bold red"
        line = Text(marker, style="bold")
        line.append(f"{choice_label(position)}  {choice}", style=style)
        parts.append(line)
    if given is not None:
        parts.append(Text())
        if given.correct:
            parts.append(Text("✓ Right.", style="bold green"))
        else:
            right = item.choices[item.correct]
            parts.append(Text(f"✗ Not quite. The answer is {choice_label(item.correct)}: {right}",
                              style="bold red"))
        parts.append(Text(item.question.explain))
        parts.append(Text(f"\nTaught on the slide \"{slide_title}\" (press s to open it).",
                          style="dim"))
    return Group(*parts)


def score_card(result: Score, missed: Sequence[tuple[RoundQuestion, str]]) -> Group:
    """End of a round: the score and each missed question with its slide."""
    parts: list[RenderableType] = [
        Text(f"You scored {result.right} of {result.total}  ({result.percent}%)\n", style="bold"),
    ]
    if not missed:
        parts.append(Text("Every answer right. Press r for a new round with other questions."))
    else:
        parts.append(Text("To review (press the number to open the slide that teaches it):"))
        for k, (item, slide_title) in enumerate(missed, start=1):
            parts.append(Text(f"\n{k}. {item.question.prompt}", style="bold"))
            parts.append(Text(f"   Answer: {item.choices[item.correct]}"))
            parts.append(Text(f"   Slide: {slide_title}", style="dim"))
    return Group(*parts)
