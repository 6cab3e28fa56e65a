"""A custom import-linter contract: no import cycles between the platform's apps.

import-linter's own ``acyclic_siblings`` compares children of one package, but our apps are
top-level packages (and ``cms.commons`` is an app nested inside ``cms``), so it cannot see a
cycle such as tenants -> cms -> tenants. This contract maps every module to the innermost listed
app that contains it, draws one edge per importing app -> imported app, and fails on any cycle,
naming the imports that close it. Configured in pyproject.toml (``[tool.importlinter]``).
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class AcyclicAppsContract(Contract):
    type_name = "acyclic_apps"

    apps = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def _app_of(self, module: str) -> str | None:
        best = None
        for app in self.apps:  # type: ignore[attr-defined]
            if module == app or module.startswith(app + "."):
                if best is None or len(app) > len(best):
                    best = app
        return best

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        edges: dict[tuple[str, str], list[str]] = {}
        for importer in sorted(graph.modules):
            source = self._app_of(importer)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = self._app_of(imported)
                if target is not None and target != source:
                    edges.setdefault((source, target), []).append(f"{importer} -> {imported}")
        groups = _cycles(edges)
        return ContractCheck(
            kept=not groups,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={
                "groups": [
                    (
                        group,
                        {pair: lines for pair, lines in edges.items() if set(pair) <= set(group)},
                    )
                    for group in groups
                ]
            },
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for group, edges in check.metadata["groups"]:
            output.print_error(f"Import cycle between apps: {', '.join(group)}")
            output.new_line()
            for (source, target), lines in sorted(edges.items()):
                output.print_error(f"{source} -> {target}:")
                for line in lines[:3]:
                    output.indent_cursor()
                    output.print_error(f"- {line}")
            output.new_line()


def _cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected groups of apps (Tarjan): each group is one tangle of cycles."""
    successors: dict[str, list[str]] = {}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
        successors.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in successors[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(successors):
        if node not in index:
            visit(node)
    return [sorted(group) for group in groups]
