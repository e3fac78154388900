"""`tpm-match profile init`: a profile YAML drafted from a résumé, to review and register.

`read_candidate_resume` is also how `tpm-match report --resume` reads a résumé: the same
sections, skills list, dates, name and title either way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from flows.commands.common import err_console, fail, settings_of, write_or_echo
from flows.settings import Settings

if TYPE_CHECKING:
    from matcher.profile import Profile
    from matcher.resume import Found, ResumeReading
    from matcher.taxonomy import Taxonomy

profile_app = typer.Typer(help="Draft a candidate profile from a résumé.", no_args_is_help=True)


def read_candidate_resume(
    settings: Settings, taxonomy: Taxonomy, path: Path, name: str | None = None
) -> tuple[ResumeReading, Found]:
    """Read a résumé file and name its candidate: `name`, else the résumé, else the file.

    Raises ProfileError for a file that is not a readable résumé.
    """
    from matcher.extract import Extractor
    from matcher.normalize import Normalizer
    from matcher.profile import read_resume
    from matcher.resume import Found, ResumeReader, name_from_file

    text = read_resume(path)
    extractor = Extractor(taxonomy, cache_dir=settings.nlp_cache_dir)
    reading = ResumeReader(extractor, Normalizer(taxonomy)).read(text, today=date.today())
    if name:
        return reading, Found(name, "--name")
    if reading.name is not None:
        return reading, reading.name
    return reading, Found(name_from_file(path.stem, extractor.cues.resume), f"file {path.name}")


def resume_profile(reading: ResumeReading, name: Found) -> Profile:
    """The profile of a candidate known only by a résumé: name, e-mail and title.

    Everything else (skills, years, degree) reaches scoring from the résumé itself.
    """
    from matcher.profile import parse_profile

    raw = {
        "name": name.value,
        "email": reading.email.value if reading.email else None,
        "current_title": reading.title.value if reading.title else None,
    }
    return parse_profile({k: v for k, v in raw.items() if v is not None}, origin="résumé")


@profile_app.command("init")
def init(
    ctx: typer.Context,
    resume: Annotated[Path, typer.Option("--resume", help="résumé as .txt, .md or .pdf")],
    out: Annotated[
        Path | None, typer.Option("--out", help="write the draft here (default: stdout)")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="the candidate's name (default: from the résumé)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing --out")] = False,
) -> None:
    """Draft a profile YAML from a résumé; each value quotes the line it came from."""
    from matcher.draft import draft_profile
    from matcher.profile import ProfileError, parse_profile
    from matcher.taxonomy import TaxonomyError, load_taxonomy

    settings = settings_of(ctx)
    if out is not None and out.exists() and not force:
        fail(f"{out} exists; pass --force to overwrite it, or choose another --out")
    try:
        taxonomy = load_taxonomy(settings.taxonomy_path)
        reading, who = read_candidate_resume(settings, taxonomy, resume, name)
    except (TaxonomyError, ProfileError) as exc:
        fail(str(exc))
    text = draft_profile(reading, who, taxonomy, resume.name)
    # the draft must validate as written; a failure here is a bug in the drafting
    profile = parse_profile(yaml.safe_load(text), origin="draft")
    if not write_or_echo(text, out, "profile"):
        return
    err_console.print(
        f"wrote a draft profile for {profile.name} to {out}: {len(profile.skills)} skills, "
        f"{len(profile.certifications)} certifications; review it, then "
        f"`tpm-match candidates add {out}`",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")
