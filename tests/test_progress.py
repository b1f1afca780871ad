"""The one progress helper: shown on a terminal, silent in CI logs and with --json."""

from __future__ import annotations

from ddet_data.cli.progress import Progress


def run(progress: Progress) -> None:
    with progress:
        progress.note("uploading issues.csv")
        for done in (0, 512, 1024):
            progress("issues.csv", done, 1024)
        progress("README.md", 300, None)


def test_off_a_terminal_nothing_is_written(capsys):
    run(Progress())  # pytest's stderr is not a terminal
    run(Progress(enabled=False))
    assert capsys.readouterr() == ("", "")


def test_on_a_terminal_events_and_sizes_are_shown(capsys):
    run(Progress(enabled=True))
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("uploading issues.csv\n")
    assert "issues.csv" in err.splitlines()[1]
    assert err.endswith("\r  README.md  300 bytes\n")
