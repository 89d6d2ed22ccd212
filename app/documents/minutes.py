"""纪要 (GB/T 9704-2012 §10.3): a meeting's minutes, under a "……纪要" mark.

The 文件 format (Renderer) but:

- the mark is "……会议纪要" (data.mark), where the 文件 format has "……文件": the same header, the mark's top edge
  35 mm below the top of the text block, the issue number ("〔2023〕5号", "第3期") centred under it, the red rule;
- no 主送: a 纪要 records what a meeting decided, it is addressed to no one;
- the lists of who attended (出席), was away (请假) and sat in (列席), in that order, one blank line under the text
  (or its 附件说明), two characters in: the label in 3号黑体 with a full-width colon, the names in 3号仿宋 separated by
  "、", a wrapped line under the first name after the colon;
- a 纪要 is not sealed: a signature and a date, where given, print as an unsealed notice's (§7.3.5.2).

The meeting's date, place and chair are not printed apart: the text's first lines say them, as the bureaus' 纪要 do
("2023年3月10日，局长董跃飞在局三楼会议室主持召开……").
"""

from __future__ import annotations

import dataclasses

from app.documents import layout as L
from app.documents.gongwen import GongwenData, Renderer
from app.documents.ooxml import child, pt_to_twips, set_attrs


class MinutesRenderer(Renderer):
    """The 纪要 format: Renderer's notice without 主送 and seal, with the meeting's lists under the text."""

    def __init__(self, data: GongwenData):
        # The mark is data.mark whoever held the meeting: not the 文件 format's stack of joint organs' names.
        super().__init__(dataclasses.replace(data, addressee_text="", with_seal=False, joint_organs=[]))

    def attachment_note(self):
        """The 附件说明, then the lists of the meeting (§10.3: 在正文或附件说明下空一行)."""
        super().attachment_note()
        self.attendance()

    def attendance(self):
        """出席, 请假, 列席: each list that has names, a paragraph of its own; a blank line above the first."""
        meeting = self.data.meeting
        if meeting is None:
            return
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        # The order §10.3 names them in.
        lists = [
            (label, names)
            for label, names in (("出席", meeting.attendees), ("请假", meeting.absent), ("列席", meeting.observers))
            if names
        ]
        for index, (label, names) in enumerate(lists):
            lead = label + "："
            paragraph = self.paragraph(L.STYLE_ATTACHMENT_NOTE, before=L.lines(1) if index == 0 else 0)
            # Two characters in; a wrapped line starts under the first name, after the label and its colon.
            indent = L.MINUTES_LIST_INDENT_CHARS * char
            hanging = len(lead) * char
            set_attrs(child(paragraph._p.get_or_add_pPr(), "w:ind"), left=indent + hanging, hanging=hanging)
            self.add_text(paragraph, lead, font=L.MINUTES_LABEL_FONT)
            self.add_text(paragraph, "、".join(names))
