"""Write data/samples/2024_区财政局_预算执行情况和预算草案的报告.docx (a sample written for this project).

The .docx is committed; this script is how it was made, so it can be changed and rebuilt:
    .venv/bin/python scripts/build_sample_docx.py
"""

from datetime import UTC, datetime
from pathlib import Path

import docx

OUT = Path(__file__).resolve().parents[1] / "data/samples/2024_区财政局_预算执行情况和预算草案的报告.docx"

PARAGRAPHS_BEFORE = [
    "关于2024年预算执行情况和2025年预算草案的报告",
    "各位代表：",
    "受区人民政府委托，区财政局向大会报告2024年全区预算执行情况和2025年预算草案，请予审议，并请区政协委员提出意见。",
    "一、2024年预算执行情况",
    "2024年，全区一般公共预算收入完成86.4亿元，为预算的101.2%，同比增长4.6%。其中，税收收入68.9亿元，非税收入17.5亿元。",
    "一般公共预算支出完成112.7亿元，同比增长3.8%。民生支出占一般公共预算支出比重达78.5%。",
    "全区主要收支项目如下表：",
]
TABLE = [
    ["项目", "2024年执行数（亿元）", "增长（%）"],
    ["一般公共预算收入", "86.4", "4.6"],
    ["政府性基金收入", "23.1", "-12.3"],
    ["一般公共预算支出", "112.7", "3.8"],
]
PARAGRAPHS_AFTER = [
    "二、2025年预算草案",
    "2025年，全区一般公共预算收入预期增长4%左右，安排一般公共预算支出115亿元，其中教育支出24亿元、社会保障和就业支出19亿元、卫生健康支出11亿元。",
    "区级预备费按本级支出的2%安排，不超过2.3亿元。",
]


def main() -> None:
    document = docx.Document()
    for text in PARAGRAPHS_BEFORE:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=3)
    for row in TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    for text in PARAGRAPHS_AFTER:
        document.add_paragraph(text)
    document.core_properties.created = datetime(2025, 1, 10, tzinfo=UTC)  # fixed: same bytes on rebuild
    document.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
