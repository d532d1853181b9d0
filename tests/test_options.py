"""AppOptions documents each field right under it (editors and readers find it there)."""

from __future__ import annotations

import ast
import inspect

from tutor import options


def field_docs() -> dict[str, str]:
    """Each field of AppOptions and the string right after it ('' if none)."""
    tree = ast.parse(inspect.getsource(options))
    cls = next(node for node in tree.body
               if isinstance(node, ast.ClassDef) and node.name == "AppOptions")
    docs: dict[str, str] = {}
    body = cls.body
    for i, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            after = body[i + 1] if i + 1 < len(body) else None
            is_doc = (isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                      and isinstance(after.value.value, str))
            docs[node.target.id] = after.value.value if is_doc else ""  # type: ignore[union-attr]
    return docs


def test_every_field_has_its_own_docstring_right_under_it() -> None:
    docs = field_docs()
    assert set(docs) == set(options.AppOptions.__dataclass_fields__)
    assert all(docs.values()), [name for name, doc in docs.items() if not doc]
    assert "screenshot" in docs["screenshot_dir"].lower()
    assert "compile" in docs["warm_up"].lower()
    # No stray string left over after another field's docstring.
    strings = [node for node in ast.parse(inspect.getsource(options.AppOptions)).body[0].body
               if isinstance(node, ast.Expr)]
    assert len(strings) == len(docs)
