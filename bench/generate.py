"""Generate a synthetic corpus of yearly reports, deterministic for a seed, with the truth of what it planted.

    python bench/generate.py --reports 1000 --seed 7 --out bench/out/corpus-1000

Organisations of six kinds each report five consecutive years (levels carried over and grown by the
stated rate, so plan-vs-actual and growth checks have real pairs). Each report has a title, a results part with dense metrics in every grammar form the extractor handles
(Arabic, Chinese and mixed numerals, ranges, approximations, growth rates, shares, totals with parts), a
problems part and a plan part with targets. About one total in ten is planted as a mismatch. Files are a
mix of UTF-8, GB18030 and UTF-16 text, .docx and .pdf. `truth.json` lists per file the planted totals
(consistent or mismatch) and the number of metric sentences written.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ORG_KINDS = [
    ("{place}区科技创新局", "科技"), ("{place}县科协", "科协"), ("{place}市人民政府", "政府"),
    ("{place}区财政局", "财政"), ("{place}县农业农村局", "农业"), ("{place}市老科协", "科协"),
]
# Each subsection reports on one area, so its metrics have their own subjects (a real report does not repeat
# 研发投入强度 with a new value in every subsection; the repeated_metric_disagrees check would rightly fire).
AREAS = ["高新区", "经开区", "东城片区", "西城片区", "南部新区", "北部新区", "滨江片区", "临港片区", "城关镇", "新桥镇",
         "石桥镇", "白云乡", "青山乡", "河口镇", "双河镇", "太平镇", "和平乡", "长安镇", "兴隆镇", "永安乡"]
CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n - 10] if n > 10 else "")
    if n < 100:
        return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")
    return str(n)


PROSE = ["坚持以人民为中心的发展思想", "深化体制机制改革", "强化科技创新引领", "推动高质量发展", "优化营商环境",
         "加强基层组织建设", "完善公共服务体系", "统筹发展和安全", "持续改善民生福祉", "推进数字化转型",
         "巩固拓展脱贫攻坚成果", "加快建设现代产业体系", "加强生态环境保护", "提升社会治理效能"]


def prose(rng: random.Random, n: int) -> str:
    return "，".join(rng.choice(PROSE) for _ in range(n)) + "。"


def _grown(rng: random.Random, levels: dict, key: tuple, fresh: float) -> tuple[float, float]:
    """This year's level and its stated growth: last year's level grown by the rate when the organisation
    reported it last year (so growth_rate_inconsistent fires only where planted), else a fresh level."""
    rate = rng.randint(1, 15) + rng.randint(0, 9) / 10
    level = round(levels[key] * (1 + rate / 100), 2) if key in levels else fresh
    levels[key] = level
    return level, rate


def metric_sentences(rng: random.Random, kind: str, area: str, levels: dict) -> list[str]:
    v = rng.randint
    name = rng.choice(["高新技术产业产值", "地区生产总值", "一般公共预算收入", "营业收入"])
    money, rate = _grown(rng, levels, (area, name), v(10, 9000) + v(1, 99) / 100)
    out = [
        f"全年实现{name}{money:.2f}亿元，同比增长{rate:.1f}%。",
        f"新增国家高新技术企业{v(5, 400)}家，总数达到{v(400, 3000)}家。",
        f"举办各类培训{v(10, 90)}期，培训{v(1, 9)}.{v(1, 9)}万余人次。",
        f"组织{cn_number(v(2, 29))}多个乡镇开展科普活动，受益群众近{v(1, 20)}万人。",
        f"研发投入强度达到{v(1, 4)}.{v(0, 9)}%，比上年提高0.{v(1, 9)}个百分点。",
        f"建成高标准农田{v(1, 9)}.{v(1, 9)}万亩，粮食总产量{v(10, 90)}.{v(1, 9)}万吨。",
        f"城镇新增就业{v(1, 9)}.{v(1, 9)}万人，城镇调查失业率控制在{v(4, 5)}.{v(0, 9)}%以内。",
        f"全年接待游客约{v(100, 3000)}万人次，旅游收入{v(5, 300)}亿元左右。",
    ]
    if kind == "财政":
        spent, rate = _grown(rng, levels, (area, "一般公共预算支出"), v(20, 300) + v(1, 9) / 10)
        out.append(f"一般公共预算支出完成{spent:.2f}亿元，增长{rate:.1f}%。")
    rng.shuffle(out)
    return out[: v(5, len(out))]


def total_with_parts(rng: random.Random, mismatch: bool) -> tuple[str, dict]:
    parts = [rng.randint(10, 300) for _ in range(3)]
    total = sum(parts)
    if mismatch:
        total += rng.choice([-1, 1]) * rng.randint(max(2, total // 15), max(3, total // 8))
    text = f"全年举办科技活动{total}场，其中科普讲座{parts[0]}场、技术培训{parts[1]}场、创新大赛{parts[2]}场。"
    return text, {"total": total, "parts": parts, "status": "mismatch" if mismatch else "consistent"}


YEARS_PER_ORG = 5  # each organisation reports five consecutive years: plan vs actual and growth have pairs
PLACE_FIRST = "东西南北金银青白长安清龙石永临平新太和兴"
PLACE_SECOND = "湖山城川云沙水江宁平河泉门阳州桥林溪岭坪"


def organisation(k: int) -> tuple[str, str]:
    """The k-th organisation (name, kind): 2,400 distinct names before any repeats."""
    template, kind = ORG_KINDS[k % len(ORG_KINDS)]
    p = k // len(ORG_KINDS)
    place = PLACE_FIRST[(p // len(PLACE_SECOND)) % len(PLACE_FIRST)] + PLACE_SECOND[p % len(PLACE_SECOND)]
    return template.format(place=place), kind


def make_report(rng: random.Random, index: int, levels: dict) -> tuple[str, dict]:
    org, kind = organisation(index // YEARS_PER_ORG)
    year = 2019 + index % YEARS_PER_ORG
    lines = [f"{org}{year}年工作总结及{year + 1}年工作计划",
             f"　　{year}年，{org}在上级的坚强领导下，围绕中心工作，扎实推进各项任务。现将全年工作总结如下。",
             f"　　一、{year}年工作成效"]
    planted = []
    n_metric_sentences = 0
    n_sections = rng.randint(12, 20)
    for section, area in zip(range(1, n_sections), rng.sample(AREAS, n_sections - 1), strict=True):
        lines.append(f"　　（{cn_number(section)}）{area}重点工作推进有力")
        lines.append("　　" + prose(rng, rng.randint(20, 40)))
        sentences = [area + s for s in metric_sentences(rng, kind, area, levels)]
        n_metric_sentences += len(sentences)
        if rng.random() < 0.6:
            text, truth = total_with_parts(rng, mismatch=rng.random() < 0.1)
            sentences.append(area + text)
            planted.append(truth)
        lines.append("　　" + "".join(sentences))
    lines += ["　　二、存在的问题", "　　一是创新投入仍显不足；二是人才引进难度较大；三是基层服务能力有待提升。",
              f"　　三、{year + 1}年工作计划",
              f"　　力争新增国家高新技术企业{rng.randint(50, 500)}家以上，研发投入增长{rng.randint(5, 12)}%左右，"
              f"新建科普示范基地{rng.randint(2, 20)}个，培训农民{rng.randint(1000, 9000)}人次。"]
    return "\n".join(lines) + "\n", {"org": org, "report_year": year, "plan_year": year + 1, "totals": planted,
                                     "metric_sentences": n_metric_sentences}


def write_docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line.strip())
    d.save(path)


def write_pdf(path: Path, text: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    y = 800
    for line in text.splitlines():
        for start in range(0, len(line), 38):  # wrap long lines
            c.setFont("STSong-Light", 10)
            c.drawString(40, y, line[start:start + 38].strip())
            y -= 14
            if y < 60:
                c.showPage()
                y = 800
    c.save()


def generate(n: int, seed: int, out: Path) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    truth = {}
    levels: dict = {}
    for i in range(n):
        if i % YEARS_PER_ORG == 0:
            levels = {}  # a new organisation
        text, t = make_report(rng, i, levels)
        roll = rng.random()
        if roll < 0.70:
            name, data = f"r{i:06d}.txt", text.encode("utf-8")
        elif roll < 0.80:
            name, data = f"r{i:06d}_gb.txt", text.encode("gb18030")
        elif roll < 0.85:
            name, data = f"r{i:06d}_u16.txt", text.encode("utf-16")
        elif roll < 0.95:
            name, data = f"r{i:06d}.docx", None
            write_docx(out / name, text)
        else:
            name, data = f"r{i:06d}.pdf", None
            write_pdf(out / name, text)
        if data is not None:
            (out / name).write_bytes(data)
        truth[name] = t
    (out.parent / f"{out.name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    truth = generate(args.reports, args.seed, args.out)
    planted = sum(len(t["totals"]) for t in truth.values())
    print(f"wrote {len(truth)} reports to {args.out} ({planted} totals planted); truth in {args.out}.truth.json")


if __name__ == "__main__":
    main()
