"""Files attached to activities and timeline comments (not a method module).

Uploads come as the docs' "how to upload files" pairs ``[name, base64]`` (or
``{"fileData": [name, base64]}``); table ``"disk_file"`` keeps each file's name, size, kind and image size
(not its content). Rendering follows the pages: a timeline comment's ``FILES`` object
(crm-timeline-comment-get.md) and an activity's ``FILES`` list of ``{id, url}`` (crm-activity-list.md
"Retrieving Attachments").
"""

from __future__ import annotations

import base64
import binascii
import struct
from typing import Any

from ..registry import Ctx

__all__ = ["TABLE", "activity_file", "comment_file", "store_files"]

TABLE = "disk_file"
_HOST = "https://demo.bitrix24.test"


def _decode(content: Any) -> bytes:
    text = content if isinstance(content, str) else ""
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return text.encode()


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a GIF, PNG or JPEG, else ``None``."""
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker, length = data[index + 1], struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return width, height
            index += 2 + length
    return None


def _pairs(value: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            item = item.get("fileData")
        if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str) and item[0]:
            out.append((item[0], item[1]))
    return out


def store_files(ctx: Ctx, value: Any) -> list[int]:
    """Save uploaded ``[name, base64]`` pairs; the new file ids."""
    ids = []
    for name, content in _pairs(value):
        data = _decode(content)
        size = _image_size(data)
        row = {
            "NAME": name,
            "SIZE": len(data),
            "TYPE": "image" if size else "file",
            "WIDTH": size[0] if size else None,
            "HEIGHT": size[1] if size else None,
            "AUTHOR_ID": ctx.user_id,
            "DATE": ctx.state.now_iso(),
        }
        ids.append(ctx.state.insert(TABLE, row))
    return ids


def _author_name(ctx: Ctx, user_id: int) -> str:
    from .basic import _DEFAULT_USER  # the built-in administrator when no user rows exist

    row = ctx.state.table("user").get(user_id) or (_DEFAULT_USER if user_id == ctx.user_id else {})
    return " ".join(str(row.get(key) or "") for key in ("NAME", "LAST_NAME")).strip()


def comment_file(ctx: Ctx, file_id: int) -> dict[str, Any] | None:
    """One entry of a comment's ``FILES`` object, as crm-timeline-comment-get.md shows it."""
    row = ctx.state.table(TABLE).get(file_id)
    if row is None:
        return None
    name = row["NAME"]
    show = f"{_HOST}/disk/showFile/{file_id}/?&ncc=1&filename={name}"
    out: dict[str, Any] = {
        "id": file_id,
        "date": row["DATE"],
        "type": row["TYPE"],
        "name": name,
        "size": row["SIZE"],
    }
    if row["TYPE"] == "image":
        out["image"] = {"width": row["WIDTH"], "height": row["HEIGHT"]}
    out |= {"authorId": row["AUTHOR_ID"], "authorName": _author_name(ctx, row["AUTHOR_ID"])}
    if row["TYPE"] == "image":
        out["urlPreview"] = f"{_HOST}/disk/showFile/{file_id}/?&ncc=1&width=640&height=640&filename={name}"
    out |= {"urlShow": show, "urlDownload": f"{_HOST}/disk/downloadFile/{file_id}/?&ncc=1&filename={name}"}
    return out


def activity_file(file_id: int, activity_id: int) -> dict[str, Any]:
    """One item of an activity's ``FILES`` (crm-activity-list.md): ``{id, url}``."""
    url = f"{_HOST}/bitrix/tools/crm_show_file.php?fileId={file_id}&ownerTypeId=6&ownerId={activity_id}&auth="
    return {"id": file_id, "url": url}
