"""The type stubs name every function the native module has, and no other."""

import ast
import pathlib

import escape_dims._engine as engine


def test_stubs_match_the_native_module():
    stub = pathlib.Path(engine.__file__).with_name("_engine.pyi")
    if not stub.exists():
        stub = pathlib.Path(__file__).resolve().parents[1] / "escape_dims" / "_engine.pyi"
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    native = {n for n in dir(engine) if not n.startswith("_") and callable(getattr(engine, n))}
    assert stubbed == native
