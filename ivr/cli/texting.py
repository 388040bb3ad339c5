"""`cityline text "..."`: text the 3-1-1 line from this terminal, signed as Twilio would, no Twilio needed."""

from __future__ import annotations

import sys

import click

from ivr.cli.common import settings as _settings


@click.command("text")
@click.argument("message", nargs=-1, required=True)
@click.option("--url", "base_url", default=None, help="Where the app listens [http://127.0.0.1:$PORT].")
@click.option("--from", "from_number", default="+13125550199", show_default=True, help="The texter's number.")
@click.option("--to", "to_number", default="+15555550311", show_default=True, help="The 3-1-1 number texted.")
@click.option("--public-url", default=None, help="Sign as if Twilio posted to this base URL [PUBLIC_BASE_URL].")
@click.option("--unsigned", is_flag=True, help="Send no X-Twilio-Signature (to see the app refuse).")
def text(message: tuple[str, ...], base_url: str | None, from_number: str, to_number: str,
         public_url: str | None, unsigned: bool) -> None:
    """Send MESSAGE to /sms/incoming as an inbound text and print the replies."""
    from ivr.local_caller.texter import LocalText, TextRefused

    settings = _settings()
    texter = LocalText(base_url or f"http://127.0.0.1:{settings.port}",
                       None if unsigned else settings.twilio_auth_token,
                       public_url or settings.public_base_url, from_number, to_number)
    body = " ".join(message)
    click.echo(f"[texting {to_number} from {from_number}] {body}")
    try:
        answers = texter.send(body)
    except (TextRefused, OSError) as error:
        click.echo(f"  refused: {error}", err=True)
        sys.exit(1)
    for answer in answers:
        click.echo(f"  reply: {answer}")
    if not answers:
        click.echo("  (no reply)")
