"""nbgrader's collect, minus the submissions a student made in another student's name.

Every student can write into the exchange's ``inbound`` folder, and a submission's folder name
(``<student>+<assignment>+<time>+<random>``) says whose it is. A student can therefore create a
folder named after someone else, dated later than the real submission. nbgrader's own collect
only logs a warning ("cheating attempt?") and then collects it *instead of* the real one. This
collect keeps nbgrader's behaviour except that such a folder (its Unix owner is not the student
it names) never wins over the student's own submission and is never collected; it is logged as
an error naming both users. The instructor's ``nbgrader_config.py`` (written by
``worldlab classroom up``) selects it with ``c.ExchangeFactory.collect``.
"""

from __future__ import annotations

import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect


def owner_of(path: str) -> str:
    """The user name owning ``path`` (``"uid <n>"`` for a uid without a name)."""
    uid = os.stat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class OwnerCheckedCollect(ExchangeCollect):
    """Collect only submissions whose folder belongs to the student it is named after."""

    def _genuine(self, record: dict) -> bool:
        return owner_of(os.path.join(self.inbound_path, record["filename"])) == record["username"]

    def _sort_by_timestamp(self, records):
        # Newest first, but the student's own submissions always before any forged one, so that
        # a forgery can never hide the real submission; every forgery is logged.
        for record in records:
            if not self._genuine(record):
                self._report(record)
        newest = super()._sort_by_timestamp(records)
        return sorted(newest, key=lambda record: not self._genuine(record))

    def _report(self, record: dict) -> None:
        path = os.path.join(self.inbound_path, record["filename"])
        self.log.error(
            "Not collecting %s: it claims to be %s's submission but belongs to %s",
            path,
            record["username"],
            owner_of(path),
        )

    def copy_files(self):
        # A student with only forged submissions has nothing to collect (already reported).
        self.src_records = [record for record in self.src_records if self._genuine(record)]
        super().copy_files()
