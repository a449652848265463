"""Human output of `prov run`: one line per log record and the summary table.

The summary counts records by syncrules action (staged ones apart) and status. ``summary_text``
is plain, aligned text (pipes, files, tests); ``summary_rich`` is a ``rich`` table for terminals.
"""

from __future__ import annotations

from typing import Any

from syncrules.run.cycle import Summary

STATUSES = ("success", "warning", "failure", "skipped")
ORDER = ("create", "update", "enable", "disable", "delete", "none", "skip", "fail")


def record_line(record: dict[str, Any]) -> str:
    """``   12 create   success  701984  Babs Jensen: reason``."""
    op = record["syncrulesOperation"]
    status = record["provisioningStatusInfo"]["status"]
    action = record["syncrulesAction"]
    if record["provisioningAction"] == "stagedDelete":
        action = f"{action}*"
    source = record["sourceIdentity"]
    who = " ".join(str(x) for x in (source["id"], source["displayName"]) if x) or op["location"]
    error = record["provisioningStatusInfo"]["errorInformation"]
    if error:
        why = error["reason"]
    else:
        steps = [s for s in record["provisioningSteps"] if s["provisioningStepType"] in
                 ("processing", "scoping")]
        why = steps[-1]["description"] if steps else ""
    return f"{op['index']:>6} {action:<8} {status:<8} {who}: {why}"


def rows(summary: Summary) -> list[tuple[str, dict[str, int], int]]:
    grouped: dict[str, dict[str, int]] = {}
    for (action, provisioning, status), n in summary.counts.items():
        label = f"{action} (staged)" if provisioning == "stagedDelete" else action
        grouped.setdefault(label, dict.fromkeys(STATUSES, 0))[status] += n

    def key(label: str) -> tuple[int, str]:
        base = label.split(" ")[0]
        return (ORDER.index(base) if base in ORDER else len(ORDER), label)

    return [(label, grouped[label], sum(grouped[label].values())) for label in
            sorted(grouped, key=key)]


def headline(summary: Summary) -> str:
    mode = "applied" if summary.applied else "plan only: nothing written (use --apply)"
    text = (f'cycle {summary.cycle} of "{summary.job}": {summary.total} operation'
            f"{'s' if summary.total != 1 else ''}, {mode}")
    if summary.staged:
        text += (f"; {summary.deletions} deletes/disables exceed the deletion threshold of "
                 f"{summary.threshold}: staged, not applied")
    return text


def summary_text(summary: Summary) -> str:
    table = rows(summary)
    header = ["action", *STATUSES, "total"]
    body = [[label, *(str(c[s]) for s in STATUSES), str(total)] for label, c, total in table]
    totals = ["total", *(str(sum(c[s] for _, c, _ in table)) for s in STATUSES),
              str(summary.total)]
    grid = [header, *body, totals]
    widths = [max(len(r[i]) for r in grid) for i in range(len(header))]
    lines = [headline(summary)]
    for row in grid:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                          strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def summary_rich(summary: Summary) -> Any:
    from rich.table import Table

    table = Table(title=headline(summary), title_justify="left")
    table.add_column("action")
    for status in (*STATUSES, "total"):
        table.add_column(status, justify="right")
    data = rows(summary)
    for label, counts, total in data:
        table.add_row(label, *(str(counts[s]) for s in STATUSES), str(total))
    table.add_section()
    table.add_row("total", *(str(sum(c[s] for _, c, _ in data)) for s in STATUSES),
                  str(summary.total), style="bold")
    return table
