"""What a page sends to a browser, as text: every string in Streamlit's protobuf messages,
and every cell of the Arrow tables inside them (dataframes, chart data).

Shared by the AppTest confidentiality matrix (element protos) and the browser tests
(the websocket's ForwardMsg frames): a name hidden in a table cell or in a chart's
data is caught as surely as one in a caption.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from google.protobuf.message import Message


def arrow_text(data: bytes) -> str | None:
    """The cells and column names of an Arrow IPC stream, or None if ``data`` is not one."""
    try:
        table = pa.ipc.open_stream(data).read_all()
    except Exception:
        return None
    return table.to_pandas().to_csv() + " ".join(table.column_names)


def message_texts(message: Message) -> Iterator[str]:
    """Every string in ``message``, its sub-messages, and the Arrow tables in its bytes."""
    for _field, value in message.ListFields():
        single = isinstance(value, str | bytes | Message) or not hasattr(value, "__iter__")
        for item in [value] if single else value:
            if isinstance(item, Message):
                yield from message_texts(item)
            elif isinstance(item, str):
                yield item
            elif isinstance(item, bytes):
                yield arrow_text(item) or item.decode("utf-8", "ignore")
