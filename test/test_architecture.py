"""The folder layout is the architecture: layers import one way, rclpy only in the nodes, no cycles."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "follow_me_seg"
# what each layer may import besides itself
ALLOWED = {
    "core": set(),
    "learning": {"core"},
    "perception": {"core"},
    "inference": {"core", "learning", "perception"},
    "control": {"core", "perception"},
    "sim": {"core", "learning", "perception", "control"},
    "nodes": {"core", "learning", "perception", "inference", "control", "sim"},
    "cli": {"core", "learning", "perception", "inference", "control", "sim", "nodes"},
}
ROS_MODULES = ("rclpy", "launch", "launch_ros", "sensor_msgs", "vision_msgs", "geometry_msgs", "std_msgs",
               "diagnostic_msgs", "std_srvs", "cv_bridge")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module imported anywhere in the file (function bodies included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def package_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports (``from pkg import module`` counted as the module)."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    return {name: {imp for imp in imports_of(path) if imp in files and imp != name} for name, path in files.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles between modules (package ``__init__`` imports of submodules excluded)."""
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, deps in graph.items():
        own = layer(module)
        for dep in deps:
            other = layer(dep)
            if own and other and other != own and other not in ALLOWED[own]:
                bad.append(f"{module} imports {dep}")
            if own is None and other is not None:
                bad.append(f"top-level {module} imports {dep}")
    return bad


def test_every_module_sits_in_a_layer_and_at_most_three_at_the_top():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 3, top
    layers = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert layers == set(ALLOWED), layers


def test_layers_import_one_way():
    assert layer_violations(package_graph()) == []


def test_no_import_cycles():
    assert cycles(package_graph()) == []


def test_ros_is_imported_only_by_the_node_modules():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        ros = {imp for imp in imports_of(path) if imp.split(".")[0] in ROS_MODULES}
        wiring = path.parent.name == "nodes" and (path.stem.endswith("_node") or path.stem == "ros_common")
        if ros and not wiring:
            offenders.append(f"{module_name(path)}: {sorted(ros)}")
    assert offenders == []


def test_no_two_modules_share_a_name():
    names = Counter(p.stem for p in PACKAGE.rglob("*.py") if p.stem != "__init__")
    assert [name for name, count in names.items() if count > 1] == []


def test_every_layer_says_what_lives_there():
    for name in ALLOWED:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc and len(doc) > 60, name


@pytest.mark.parametrize("files, problem", [
    ({"core/a.py": "from follow_me_seg.cli import b\n", "cli/b.py": ""}, "layer"),
    ({"learning/a.py": "from follow_me_seg.learning import b\n", "learning/b.py": "import follow_me_seg.learning.a\n"},
     "cycle"),
    ({"sim/a.py": "def f():\n    from follow_me_seg.nodes import c\n", "nodes/c.py": ""}, "layer"),
])
def test_the_checks_catch_a_bad_tree(tmp_path, files, problem):
    """The checks above fail on a tree that breaks the rules (a function-level import counts too)."""
    root = tmp_path / "follow_me_seg"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    (root / "__init__.py").touch()
    graph = package_graph(root)
    found = layer_violations(graph) if problem == "layer" else cycles(graph)
    assert found
