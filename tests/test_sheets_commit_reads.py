"""A commit's read on the Sheet leaves out the mail texts where it only adds mails (issue 10).

A commit that cannot use a page view's copy reads the worksheets it changes, and
writes along the rows that lag behind the change log. The mail texts are most of
the mails' bytes (4.7 MB of a 4.7 MB follow-up read at 1,000 reports, before), and
adding a mail needs no other mail's text. What must still hold: a lagging mail row
is written whole (its texts as the log has them, never blank), a fix made by hand
in a column read is kept, a repeated insert answers with the first mail whole, and
a change to a mail takes it whole as its base.
"""

from __future__ import annotations

import json

from lib.repository.base import Insert, Update
from lib.repository.sheets_cells import quote
from lib.schema import TABLES
from tests.sheets_support import other_process, watched

KEPT = 60.0  # the app's worksheet_refresh: this process's commits go as the log row alone
BODY = "Beste Ruben,\n\nDe storing aan de telefooncentrale is opgelost.\n\nKivido MAZ"


def mail(mail_id: str, body: str = BODY, subject: str = "Storing opgelost") -> Insert:
    return Insert(
        "messages",
        {"id": mail_id, "ticket_id": "t-1", "to_address": "ruben@kivido.example"}
        | {"subject": subject, "body": body, "html_body": f"<p>{body}</p>"},
    )


def mail_ranges(seen) -> list[str]:
    ranges, _ = seen[-1]
    return [r for r in ranges if r.startswith(quote("messages"))]


def worksheet_mail(standin, repo, mail_id: str) -> dict:
    """The mail's row as the worksheet's cells hold it (the log left out)."""
    names = TABLES["messages"].column_names
    rows = [r for r in standin.values(repo.key, "messages")[1:] if r and r[0] == mail_id]
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0] + [""] * (len(names) - len(rows[0])), strict=True))


def answers(repo) -> list[str]:
    """Of every values.batchGet of `repo`, the mails' worksheet part of the answer as text
    (the change log's part repeats the last log row this process folded)."""
    seen, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        answer = real(key, ranges, params)
        mails = [
            v
            for v in answer["valueRanges"]
            if v["range"].startswith(("messages!", quote("messages")))
        ]
        seen.append(json.dumps(mails, ensure_ascii=False))
        return answer

    repo._http.values_batch_get = batch_get
    return seen


def test_a_commit_that_only_adds_a_mail_reads_the_mails_without_their_texts(sheets_repo):
    sheets_repo.commit([mail("m-1")])
    sheets_repo.commit([mail("m-2", body="Tweede bericht")])  # writes m-1 in the worksheet
    got = answers(sheets_repo)
    seen = watched(sheets_repo)
    sheets_repo.commit([mail("m-3", body="Derde bericht")])
    asked = mail_ranges(seen)
    assert asked and quote("messages") not in asked  # in runs of columns, not whole
    assert "Storing opgelost" in got[-1]  # m-1 and m-2 were read: their subjects
    assert "telefooncentrale" not in got[-1] and "Tweede bericht" not in got[-1]
    reader = other_process(sheets_repo)
    every = {m["id"]: m["body"] for m in reader.read(["messages"])["messages"]}
    assert every == {"m-1": BODY, "m-2": "Tweede bericht", "m-3": "Derde bericht"}


def test_lagging_mail_rows_are_written_whole_with_a_hand_fix_kept(sheets_repo, standin):
    """Another process queued a mail and changed it, each as the log row alone; a fix
    was typed into the mail's subject in the worksheet meanwhile. This process adds a
    mail: its read (without texts) finds the mail lagging and writes it, the texts
    from the log and the subject as fixed by hand."""
    quick = other_process(sheets_repo, worksheet_refresh=KEPT)
    quick.read(["messages"])
    (queued,) = quick.commit([mail("m-1")])
    sheets_repo.commit([mail("m-2")])  # reads, and writes m-1 where it lags
    assert worksheet_mail(standin, sheets_repo, "m-1")["body"] == BODY
    column = TABLES["messages"].column_names.index("subject")
    row = 1 + [r[0] for r in standin.values(sheets_repo.key, "messages")].index("m-1")
    cell = f"{quote('messages')}!{chr(ord('A') + column)}{row}"
    data = [{"range": cell, "values": [["Storing telefoon opgelost"]]}]
    standin_http = sheets_repo._http
    standin_http.values_batch_update(sheets_repo.key, {"valueInputOption": "RAW", "data": data})
    quick.commit([Update("messages", "m-1", queued["version"], {"status": "verstuurd"})])
    assert worksheet_mail(standin, sheets_repo, "m-1")["status"] != "verstuurd"  # it lags
    seen = watched(sheets_repo)
    sheets_repo.commit([mail("m-3")])
    assert quote("messages") not in mail_ranges(seen)
    written = worksheet_mail(standin, sheets_repo, "m-1")
    assert written["status"] == "verstuurd"
    assert written["body"] == BODY
    assert written["html_body"] == f"<p>{BODY}</p>"
    assert written["subject"] == "Storing telefoon opgelost"


def test_a_repeated_mail_answers_with_the_first_one_whole(sheets_repo):
    """The first read (without texts) cannot give the first mail's texts: the commit
    reads the mails again whole and answers with the first mail as it was."""
    (first,) = sheets_repo.commit([mail("m-1")])
    sheets_repo.commit([mail("m-2")])  # writes m-1 in the worksheet: no longer in the log alone
    seen = watched(sheets_repo)
    (again,) = sheets_repo.commit([mail("m-1", body="Tweede poging")])
    assert again == first and again["body"] == BODY
    assert [len(mail_ranges([s])) for s in seen] == [3, 1]  # runs of columns; then whole
    assert mail_ranges(seen) == [quote("messages")]


def test_a_change_to_a_mail_reads_it_whole_and_keeps_its_texts(sheets_repo):
    (queued,) = sheets_repo.commit([mail("m-1")])
    seen = watched(sheets_repo)
    (sent,) = sheets_repo.commit([Update("messages", "m-1", queued["version"], {"attempts": 1})])
    assert mail_ranges(seen) == [quote("messages")]
    assert (sent["body"], sent["attempts"]) == (BODY, 1)
    assert other_process(sheets_repo).get("messages", "m-1")["body"] == BODY
