"""Click commands for publishing: `plan` and `publish`.

The lead registers them on the main group (`cli.add_command(...)`); they stay thin:
parse options, call one library function, render its result.
"""

from __future__ import annotations

from pathlib import Path

import click

from .context import project_root

EPILOG_PLAN = """\b
Examples:
  ddet-data plan                         what publish would do on the default target
  ddet-data plan --target demo --json    the plan as JSON
  ddet-data plan --format markdown       a summary for a pull-request comment
  ddet-data plan --detailed-exitcode     exit 0 nothing to do, 2 changes pending, 1 error
  ddet-data plan --verbose               also list the objects left unchanged
"""
EPILOG_PUBLISH = """\b
Examples:
  DATAGOUV_API_KEY=... ddet-data publish --target demo
  ddet-data publish --target sandbox --yes
  ddet-data publish --dry-run            validate and print the plan, send nothing
"""
EXIT_CHANGES = 2


def target_options(command):
    options = [
        click.option("--target", help="A target of publish.toml (default: its default_target)."),
        click.option("--api-url", help="API base URL, overriding the target's [DATAGOUV_API_URL]."),
        click.option("--organization", help="Organization id [DATAGOUV_ORGANIZATION]."),
        click.option("--prune", is_flag=True, help="Delete our resources gone from the package."),
        click.option("--verbose", "-v", is_flag=True, help="List the unchanged objects too."),
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def resolve(ctx: click.Context, target, api_url, organization, paths):
    from ..datagouv.config import load_target

    root = project_root(ctx)
    resolved = load_target(root, target, api_url=api_url, organization=organization)
    if not paths:
        from ..package.reader import package_folders

        paths = package_folders(root / "datapackages")
    return resolved, list(paths)


@click.command(epilog=EPILOG_PLAN)
@target_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    help="markdown: a summary for a pull request or a job summary; json: as --json.",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when changes are pending (0 when none)."
)
@click.pass_context
def plan(
    ctx, target, api_url, organization, prune, verbose, paths, as_json, output_format,
    detailed_exitcode,
) -> None:
    """Check the key, read the server, and print what publish would do. Sends no write."""
    import json

    from ..datagouv import plan as planning
    from ..datagouv import publish as publishing

    resolved, paths = resolve(ctx, target, api_url, organization, paths)
    result = publishing.plan(resolved, paths, prune=prune)
    if as_json or output_format == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif output_format == "markdown":
        from .plan_markdown import local_packages, render_markdown

        click.echo(render_markdown(result.to_dict(), local_packages(paths)), nl=False)
    else:
        click.echo(planning.render(result, verbose))
    if detailed_exitcode and result.has_changes:
        ctx.exit(EXIT_CHANGES)


@click.command(epilog=EPILOG_PUBLISH)
@target_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Validate and print the plan; send no write.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def publish(
    ctx, target, api_url, organization, prune, verbose, paths, yes, dry_run, as_json
) -> None:
    """Validate, plan, confirm, apply, then read back and verify every file.

    Exit status: 0 published (or nothing to do), 1 failure, 3 invalid data (nothing sent),
    130 interrupted (Ctrl-C). Interrupted or failed, it says how many changes it applied:
    the same command finishes the job.
    """
    import json
    import sys

    from ..datagouv import plan as planning
    from ..datagouv import publish as publishing
    from ..errors import EXIT_INTERRUPTED, EXIT_INVALID
    from .progress import Progress

    resolved, paths = resolve(ctx, target, api_url, organization, paths)
    report = publishing.validate(paths)
    if not report["valid"]:
        from ..validate.report import render_text

        click.echo(render_text(report))
        click.echo("invalid data: nothing was sent", err=True)
        ctx.exit(EXIT_INVALID)
    if not yes and not dry_run and not sys.stdin.isatty():
        raise click.UsageError("not on a terminal: pass --yes to publish without confirmation")

    def show(the_plan) -> None:
        if not as_json:
            click.echo(planning.render(the_plan, verbose))

    def confirm(the_plan) -> bool:
        try:
            return yes or click.confirm(f"Apply {len(the_plan.changes)} change(s)?", default=False)
        except click.Abort:  # Ctrl-C at the prompt: an interruption like any other
            raise KeyboardInterrupt from None

    try:
        with Progress(enabled=False if as_json else None) as progress:
            result = publishing.publish(
                resolved, paths, prune=prune, dry_run=dry_run, confirm=confirm, on_plan=show,
                events=progress.note, progress=progress,
            )  # fmt: skip
    except KeyboardInterrupt:
        # Before any write (reading the server, the confirmation): nothing to finish.
        click.echo("interrupted: nothing was sent", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if dry_run:
        click.echo("dry run: nothing was sent")
        return
    if result.cancelled:
        click.echo("cancelled: nothing was sent")
        ctx.exit(1)
    for applied in result.applied:
        click.echo(f"{applied.package}: {applied.dataset_url} ({applied.writes} writes, verified)")
    if resolved.name not in REHEARSALS:
        from ..package.reader import PackageFolder
        from ..package.releases import record_release

        published = {applied.package for applied in result.applied}
        for package in (PackageFolder(path) for path in paths):
            if package.name in published:
                kept = record_release(project_root(ctx), package.path)
                click.echo(f"recorded the release in {kept}: commit it")


# Publishing to these is a rehearsal: the next build's base stays the last real release.
REHEARSALS = ("sandbox", "demo")


def register(group: click.Group) -> None:
    """Add these commands to the main `ddet-data` group."""
    for command in (plan, publish):
        group.add_command(command)
