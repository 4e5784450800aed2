"""Reports to the live feed: funnel snapshots, project progress or any table as a BB-code post.

- :func:`post_report` posts one (``log.blogpost.add``) to everyone, departments, users or workgroups;
- :func:`report_message` builds the message without sending it; :func:`escape_bbcode` is the escaping
  every report text goes through (no report text can open a BB-code tag).
"""

from ._bbcode import escape_bbcode
from ._post import PostedReport, destinations, post_report, report_message

__all__ = ["PostedReport", "destinations", "escape_bbcode", "post_report", "report_message"]
